/** @module Where the auth state files live: the secrets folder (mode 700), each file mode 600. */
import { join } from 'node:path';

export function authStatePaths(secretsDir: string): { revoked: string; blocks: string; refresh: string } {
  return { revoked: join(secretsDir, 'revoked-jti.json'), blocks: join(secretsDir, 'blocked-ips.json'), refresh: join(secretsDir, 'oauth-refresh-tokens.json') };
}
