/**
 * @module The `aibridge rotate` flow under the operations lock: finish or undo an interrupted
 * rotation, rotate, then audit with the new key, whose checkpoint signature replaces the old one
 * (so `aibridge audit verify` keeps passing with the new public key).
 */
import type { Config } from '../../config/load-config.ts';
import { loadConfig } from '../../config/load-config.ts';
import { errorMessage } from '../../lib/errors.ts';
import { withOpsLock } from '../common/ops-lock.ts';
import { openOpsAudit } from '../common/ops-audit.ts';
import { recoverRotation } from './rotation-journal.ts';
import { rotateKeys, type RotateResult } from './rotate-keys.ts';

function audit(config: Config, event: string, fields: Record<string, unknown>): void {
  const a = openOpsAudit(config); // loads the current (new) private key: the checkpoint is re-signed on close
  try { a.append('SERVER', event, fields); } finally { a.close(); }
}

/** Finish an interrupted rotation; returns a line to report, or undefined. Safe at start-up. */
export function recoverInterruptedRotation(config: Config): string | undefined {
  const p = config.paths;
  const r = recoverRotation(p.secretsDir, [p.rsaPrivateKey, p.rsaPublicKey, p.envFile]);
  if (r === undefined) return undefined;
  if (r === 'rolled-back') {
    audit(config, 'rsa_key_rotation_rolled_back', {});
    return 'an interrupted key rotation was rolled back; the previous key pair is still in use';
  }
  audit(loadConfig(p.root), 'rsa_key_rotated', { recovered: true, archived_private: r.archivedPrivate, archived_public: r.archivedPublic });
  return `an interrupted key rotation was completed; old keys archived as ${r.archivedPrivate}`;
}

export async function runRotate(root: string, say: (line: string) => void): Promise<RotateResult> {
  return withOpsLock(root, 'key rotation', async () => {
    const config = loadConfig(root);
    const recovered = recoverInterruptedRotation(config);
    if (recovered) say(`rotate: ${recovered}`);
    try {
      const r = await rotateKeys(loadConfig(root));
      audit(loadConfig(root), 'rsa_key_rotated', { bits: r.bits, old_key: r.oldFingerprint, new_key: r.newFingerprint, archived_private: r.archivedPrivate, archived_public: r.archivedPublic, sftp_password_reencrypted: r.sftpPasswordReencrypted });
      return r;
    } catch (err) {
      try { audit(config, 'rsa_key_rotation_failed', { reason: errorMessage(err) }); } catch { /* reported anyway */ }
      throw err;
    }
  });
}
