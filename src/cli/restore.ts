/** @module `aibridge restore`: restore_<id>/ (default), --replace the live install, or --verify. */
import type { Command } from './command.ts';
import { flagBool, flagString } from './command.ts';
import { AppError } from '../lib/errors.ts';
import { runRestore, type RestoreMode } from '../ops/restore/run-restore.ts';
import { confirmTyped } from '../ops/common/confirm.ts';

export const RESTORE_COMMAND: Command = {
  name: 'restore',
  summary: 'Check, extract or apply an encrypted backup (--verify, default restore_<id>/, --replace)',
  help: [
    'Usage: aibridge restore --file BACKUP [--key PRIVATE_KEY] [--verify | --replace [--yes]] [--dir DIR]',
    '',
    'Checks the .sha512 sidecar, the key, the server\'s RSA-PSS signature and the AES-256-GCM tag',
    'before anything becomes visible.',
    '  (default)   extract into restore_<backup_id>/ in the install folder; live files untouched',
    '  --verify    check the backup end to end; write nothing',
    '  --replace   replace exactly .env, secrets, clients and profiles of the live install (nothing',
    '              else in the archive is installed; executables are refused; logs are kept,',
    '              the audit trail stays append-only). Asks for a typed "yes" (or --yes), stops a',
    '              running "aibridge serve" with SIGTERM, keeps the previous state in',
    '              restore_previous_<time>/. Start the server again afterwards.',
    '  --key K     private key to use (default: the server key); after a rotation pass the archived',
    '              key, e.g. secrets/rsa_private.pem.archived.YYYYMMDD',
  ].join('\n'),
  options: { file: { type: 'string' }, key: { type: 'string' }, replace: { type: 'boolean' }, verify: { type: 'boolean' }, yes: { type: 'boolean' } },
  async run(ctx) {
    const file = flagString(ctx.values, 'file');
    if (!file) throw new AppError('E_USAGE', '--file is required', { hint: 'aibridge restore --file backups/backup_….tar.gz.enc' });
    const replace = flagBool(ctx.values, 'replace');
    const verify = flagBool(ctx.values, 'verify');
    if (replace && verify) throw new AppError('E_USAGE', '--replace and --verify cannot be combined');
    const mode: RestoreMode = verify ? 'verify' : replace ? 'replace' : 'folder';
    const key = flagString(ctx.values, 'key');
    const yes = flagBool(ctx.values, 'yes');
    const r = await runRestore(ctx.dir, { file, cwd: process.cwd(), ...(key ? { keyPath: key } : {}) }, {
      mode,
      say: ctx.out,
      confirm: async (q) => (yes ? (ctx.out(`${q} Confirmed by --yes.`), true) : confirmTyped(q)),
    });
    if (mode === 'verify') ctx.out(`restore --verify: OK: backup ${r.meta.id} (made ${r.meta.created} by aibridge ${r.meta.version} on ${r.meta.host}): ${r.files} files, ${r.bytes} bytes, authenticated`);
    else if (mode === 'folder') ctx.out(`restore: extracted backup ${r.meta.id} into ${r.target} (${r.files} files); inspect it, then use --replace to apply it`);
    else {
      ctx.out(`restore: replaced ${(r.replaced ?? []).join(', ')} from backup ${r.meta.id}; previous state kept in ${r.previous}`);
      if (r.refused?.length) ctx.out(`restore: refused (not installed; --replace installs only .env, secrets, clients, profiles): ${r.refused.join(', ')}`);
      ctx.out('restore: start the server again: aibridge serve');
    }
    return 0;
  },
};
