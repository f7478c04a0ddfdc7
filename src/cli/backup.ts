/** @module `aibridge backup`: one encrypted backup now, then SFTP export when configured. */
import type { Command } from './command.ts';
import { flagBool } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { errorMessage } from '../lib/errors.ts';
import { openOpsAudit } from '../ops/common/ops-audit.ts';
import { runBackupJob } from '../ops/backup/backup-job.ts';
import { progressPrinter } from '../ops/common/progress.ts';

export const BACKUP_COMMAND: Command = {
  name: 'backup',
  summary: 'Make an encrypted backup now (and export it over SFTP when configured)',
  help: [
    'Usage: aibridge backup [--no-export] [--dir DIR]',
    '',
    'Writes BACKUP_DIR/backup_<version>_<host>_<YYYYMMDD_HHMMSS>.tar.gz.enc (UTC) and its .sha512',
    'sidecar: .env, secrets, clients, profiles and logs, AES-256-GCM encrypted under a random key',
    'wrapped with the server public key (RSA-OAEP SHA-512). Keeps BACKUP_RETENTION local backups.',
    'When BACKUP_SFTP_HOST is set, uploads it after checking the host key against',
    'BACKUP_SFTP_KNOWN_HOSTS. Exit 1 when the backup or the export failed (a local backup is kept).',
    '  --no-export   skip the SFTP export this time',
  ].join('\n'),
  options: { 'no-export': { type: 'boolean' } },
  async run(ctx) {
    const config = loadConfig(ctx.dir);
    const audit = openOpsAudit(config);
    const progress = progressPrinter('backup');
    try {
      const r = await runBackupJob(config, { audit: audit.append, trigger: 'manual', export: !flagBool(ctx.values, 'no-export'), ...(progress ? { onProgress: progress.update } : {}) });
      progress?.done();
      const b = r.backup;
      ctx.out(`backup: created ${b.file} (${b.files} files, ${b.bytes} bytes, sha512 ${b.sha512.slice(0, 16)}…)`);
      for (const w of b.warnings) ctx.err(`backup: warning: ${w}`);
      for (const s of b.skipped) ctx.err(`backup: skipped ${s}`);
      for (const n of r.removedLocal) ctx.out(`backup: retention removed ${n}`);
      if (r.exported) ctx.out(`backup: exported to ${config.env.BACKUP_SFTP_HOST}:${r.exported.remote}`);
      if (r.exportError) {
        ctx.err(`backup: SFTP export failed: ${errorMessage(r.exportError)}`);
        ctx.err(`backup: the local backup ${b.file} is kept`);
        return 1;
      }
      return 0;
    } finally {
      progress?.done();
      audit.close();
    }
  },
};
