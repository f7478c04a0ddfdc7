/** @module METRICS_TOKEN_FILE: the shared scrape token, read once at start-up from a trusted file (lib/trusted-file.ts). */
import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../lib/errors.ts';
import { untrustedReason } from '../lib/trusted-file.ts';

export function readMetricsToken(path: string): string {
  let text: string;
  try {
    const st = statSync(path);
    const untrusted = untrustedReason(st, path) ?? ((st.mode & 0o044) !== 0 ? `${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); fix with: chmod 600 '${path}'` : undefined);
    if (untrusted) throw new AppError('E_CONFIG_INVALID', `Refusing METRICS_TOKEN_FILE: ${untrusted}`, { hint: 'the metrics token must be a file only the service user can read' });
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('E_CONFIG_INVALID', `Cannot read METRICS_TOKEN_FILE "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'create it (one line, 32+ random characters, mode 600) or remove METRICS_TOKEN_FILE from .env', cause: err });
  }
  if (text.length < 32 || /\s/.test(text)) throw new AppError('E_CONFIG_INVALID', `METRICS_TOKEN_FILE "${path}" must hold one token of 32 or more characters without spaces`, { hint: 'e.g. openssl rand -hex 32 > metrics.token; chmod 600 metrics.token' });
  return text;
}
