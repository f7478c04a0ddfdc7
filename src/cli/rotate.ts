/** @module `aibridge rotate`: new server RSA key pair; the old one archived for old backups. */
import type { Command } from './command.ts';
import { runRotate } from '../ops/rotate/run-rotate.ts';

export const ROTATE_COMMAND: Command = {
  name: 'rotate',
  summary: 'Rotate the server RSA key pair (server stopped); old keys archived for old backups',
  help: [
    'Usage: aibridge rotate [--dir DIR]',
    '',
    'Refuses while "aibridge serve" runs. Archives secrets/rsa_private.pem and rsa_public.pem as',
    '*.archived.YYYYMMDD (-2, -3… for more rotations the same day), generates a new AUTH_RSA_KEY_SIZE',
    'pair, re-encrypts BACKUP_SFTP_PASSWORD_ENC under it and re-signs the audit checkpoint.',
    'Impact: every JWT is reissued at the next start (redistribute clients/<name>/secrets/.token);',
    'OAuth client secrets are unaffected; new backups use the new key; backups made before restore',
    'with --key secrets/rsa_private.pem.archived.YYYYMMDD.',
  ].join('\n'),
  options: {},
  async run(ctx) {
    const r = await runRotate(ctx.dir, ctx.out);
    ctx.out(`rotate: new ${r.bits}-bit key pair ${r.newFingerprint.slice(0, 16)}… (was ${r.oldFingerprint.slice(0, 16)}…)`);
    ctx.out(`rotate: old keys archived as secrets/${r.archivedPrivate} and secrets/${r.archivedPublic}; keep them to restore older backups`);
    if (r.sftpPasswordReencrypted) ctx.out('rotate: BACKUP_SFTP_PASSWORD_ENC re-encrypted under the new key');
    ctx.out('rotate: start the server: every client JWT is reissued at start-up; hand out the new clients/<name>/secrets/.token files');
    return 0;
  },
};
