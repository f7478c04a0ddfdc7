/** @module `aibridge clients revoke NAME`: revoke all of a client's tokens and reissue per its mode. */
import { existsSync } from 'node:fs';
import type { Command } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { AppError } from '../lib/errors.ts';
import { loadPrivateKey, loadPublicKey } from '../keys/rsa-key-pair.ts';
import { openAuditLog } from '../audit/open-logs.ts';
import { revokeClient } from '../auth/clients/revoke-client.ts';

export const CLIENTS_REVOKE_COMMAND: Command = {
  name: 'clients revoke',
  summary: 'Revoke every token of a client and reissue its credentials',
  help: [
    'Usage: aibridge clients revoke NAME [--dir DIR]',
    '',
    'Revokes the client\'s JWT, its OAuth access and refresh tokens, and its client secret, then',
    'writes a new clients/NAME/secrets/.token (JWT mode) and a new one-time .secret (OAuth mode).',
    'Takes effect at once, also while "aibridge serve" runs. Recorded in the audit log (AUTH).',
  ].join('\n'),
  options: {},
  allowPositionals: true,
  async run(ctx) {
    const name = ctx.positionals[0];
    if (!name || ctx.positionals.length > 1) throw new AppError('E_USAGE', 'Give exactly one client name', { hint: 'aibridge clients revoke NAME' });
    const config = loadConfig(ctx.dir);
    if (!existsSync(config.paths.rsaPrivateKey)) throw new AppError('E_KEY_INVALID', `No RSA key at "${config.paths.rsaPrivateKey}"`, { hint: 'start "aibridge serve" once to create it' });
    const privateKey = loadPrivateKey(config.paths.rsaPrivateKey);
    const publicKey = loadPublicKey(config.paths.rsaPublicKey);
    const audit = openAuditLog(config, privateKey);
    try {
      const r = await revokeClient({ config, rsa: { privateKey, publicKey }, audit, name, now: Math.floor(Date.now() / 1000) });
      ctx.out(`clients revoke: all tokens of "${name}" revoked (${r.refreshFamilies} refresh-grant access tokens)`);
      if (r.jwtReissued) ctx.out(`  new JWT: clients/${name}/secrets/.token`);
      if (r.secretReissued) ctx.out(`  new one-time client secret: clients/${name}/secrets/.secret`);
    } finally {
      audit.close();
    }
    return 0;
  },
};
