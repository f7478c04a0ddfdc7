/** @module Where the auth state files live: the secrets folder (mode 700), each file mode 600. */
import { join } from 'node:path';

export interface AuthStatePaths { revoked: string; cutoffs: string; blocks: string; refresh: string }

export function authStatePaths(secretsDir: string): AuthStatePaths {
  return {
    revoked: join(secretsDir, 'revoked-jti.json'), cutoffs: join(secretsDir, 'revoked-clients.json'),
    blocks: join(secretsDir, 'blocked-ips.json'), refresh: join(secretsDir, 'oauth-refresh-tokens.json'),
  };
}
