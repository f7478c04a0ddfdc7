/** @module `aibridge sftp-password encrypt|verify`: the SFTP password, never in plaintext on disk. */
import type { Command } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { readPassword } from '../credentials/read-password.ts';
import { openOpsAudit } from '../ops/common/ops-audit.ts';
import { storeSftpPassword, verifySftpPassword } from '../ops/backup/sftp/store-sftp-password.ts';

const INPUT = 'The password is read without echo from the terminal, or as one line from stdin when piped.';

export const SFTP_PASSWORD_ENCRYPT_COMMAND: Command = {
  name: 'sftp-password encrypt',
  summary: 'Encrypt the SFTP backup password into BACKUP_SFTP_PASSWORD_ENC in .env',
  help: ['Usage: aibridge sftp-password encrypt [--dir DIR]', '', INPUT,
    'Encrypts it with RSA-OAEP (SHA-512) under the server public key (only this install\'s private',
    'key can recover it) and writes BACKUP_SFTP_PASSWORD_ENC into .env atomically, keeping every',
    'other line. Set BACKUP_SFTP_AUTH=password to use it. aibridge rotate re-encrypts it.'].join('\n'),
  options: {},
  async run(ctx) {
    const config = loadConfig(ctx.dir);
    const password = await readPassword(process.stdin, (t) => process.stderr.write(t));
    storeSftpPassword(config, password);
    const audit = openOpsAudit(config);
    try { audit.append('CREDENTIAL', 'sftp_password_stored', { key: 'BACKUP_SFTP_PASSWORD_ENC' }); } finally { audit.close(); }
    ctx.out(`sftp-password: BACKUP_SFTP_PASSWORD_ENC written to ${config.paths.envFile}`);
    return 0;
  },
};

export const SFTP_PASSWORD_VERIFY_COMMAND: Command = {
  name: 'sftp-password verify',
  summary: 'Check that BACKUP_SFTP_PASSWORD_ENC decrypts to the password you type',
  help: ['Usage: aibridge sftp-password verify [--dir DIR]', '', INPUT,
    'Exit 0 when the stored value decrypts with the server private key and equals it, 1 otherwise.'].join('\n'),
  options: {},
  async run(ctx) {
    const config = loadConfig(ctx.dir);
    const password = await readPassword(process.stdin, (t) => process.stderr.write(t));
    if (verifySftpPassword(config, password)) { ctx.out('sftp-password: OK: BACKUP_SFTP_PASSWORD_ENC matches'); return 0; }
    ctx.err('sftp-password: BACKUP_SFTP_PASSWORD_ENC decrypts, but to a different password; run "aibridge sftp-password encrypt" again');
    return 1;
  },
};

export const SFTP_PASSWORD_COMMANDS: readonly Command[] = [SFTP_PASSWORD_ENCRYPT_COMMAND, SFTP_PASSWORD_VERIFY_COMMAND];
