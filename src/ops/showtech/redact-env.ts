/**
 * @module .env for a support bundle: every value of a secret-like key (lib/redact isSecretKey, the
 * schema's SECRET_ENV_KEYS, BACKUP_SFTP_PASSWORD_ENC) is replaced by [REDACTED]; every other line
 * goes through redactText (inline tokens, keys, passwords). Comments and order are kept.
 */
import { isSecretKey, redactText, REDACTED } from '../../lib/redact.ts';
import { SECRET_ENV_KEYS } from '../../config/env-schema.ts';
import { activeKeyOf, splitEnvText } from '../common/env-text.ts';

export function redactEnvText(text: string): string {
  return splitEnvText(text).lines.map((line) => {
    const key = activeKeyOf(line);
    if (key && (isSecretKey(key) || SECRET_ENV_KEYS.has(key))) {
      const value = line.slice(line.indexOf('=') + 1).trim();
      return value === '' || value === '""' || value === "''" ? line : `${key}=${REDACTED}`;
    }
    return redactText(line);
  }).join('\n') + '\n';
}
