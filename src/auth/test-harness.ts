/**
 * @module In-process test rig for the auth tests (not shipped: only *.test.ts import it): a
 * scratch install, the real app with the auth extension and a bearer-protected POST /mcp, a
 * fake clock, and fast (cost 4) client secrets where a test does not measure bcrypt itself.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { Hono } from 'hono';
import { loadConfig } from '../config/load-config.ts';
import { createNullLogger } from '../log/logger.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { buildApp } from '../http/build-app.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { AuthContext } from './auth-context.ts';
import { buildAuthContext } from './build-auth-context.ts';
import { syncClients } from './clients/sync-clients.ts';
import { authenticate } from './authenticate.ts';
import { fail2banGuard } from './fail2ban/fail2ban-guard.ts';

/**
 * With AIBRIDGE_TEST_VALKEY_URL set (by valkey-backend.test.ts, which starts a real redis-server),
 * every rig runs on the Valkey backend with its own key prefix: the same auth suites, both backends.
 */
function valkeyLines(): string[] {
  const url = process.env.AIBRIDGE_TEST_VALKEY_URL;
  return url ? ['STATE_BACKEND=valkey', `VALKEY_URL=${url}`, `VALKEY_KEY_PREFIX=rig${Math.random().toString(36).slice(2, 10)}:`] : [];
}

export const ISSUER = 'https://localhost:8443';
export const RESOURCE = `${ISSUER}/mcp`;
export const RIG_KEYS = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const OTHER_KEYS = generateKeyPairSync('rsa', { modulusLength: 2048 });

export interface Rig {
  dir: string;
  app: Hono<AppEnv>;
  ctx: AuthContext;
  clock: { now: number };
  /** Fetch through the app from `ip` (default 10.0.0.1) with Host set. */
  call(path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
  /** Known plaintext secret of an OAuth client (set by the rig, cost 4). */
  secret(name: string): string;
  audit(): string;
  token(name: string): string;
}

export interface RigOptions { env?: string[]; dir?: string; realSecrets?: boolean; now?: number; rsa?: typeof RIG_KEYS }

export async function makeRig(options: RigOptions = {}): Promise<Rig> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'auth-'));
  if (!options.dir) {
    writeFileSync(join(dir, '.env'), [
      `AUTH_ISSUER=${ISSUER}`, 'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*', 'MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:8443',
      'AUTH_MODE=jwt+oauth2', 'AUTH_CLIENTS=alice:sub-alice:admin:jwt,bob:sub-bob:operator:oauth2,carol:sub-carol:auditor:jwt+oauth2',
      'AUTH_FAIL_LIMIT=50', ...valkeyLines(), ...(options.env ?? []),
    ].join('\n'), { mode: 0o600 });
  }
  const config = loadConfig(dir);
  const audit = AuditLog.open({ dir: config.paths.logsDir, rotateSize: 1e7, rotateFiles: 1, checkpointPath: join(dir, 'cp') });
  const clock = { now: options.now ?? Math.floor(Date.now() / 1000) };
  const ctx = await buildAuthContext({ config, rsa: options.rsa ?? RIG_KEYS, audit, logger: createNullLogger(), now: () => clock.now });
  await syncClients({
    specs: [...ctx.clients.values()], files: ctx.files, keys: ctx.keys, issuer: ctx.settings.issuer, audience: ctx.settings.audience,
    tokenLifetimeSeconds: ctx.settings.jwtLifetimeSeconds, revoked: ctx.revokedFile, audit, now: clock.now,
  });
  const secrets = new Map<string, string>();
  for (const spec of ctx.clients.values()) {
    if (spec.mode === 'jwt') continue;
    if (options.realSecrets) { secrets.set(spec.name, ctx.files.read(spec.name, '.secret') ?? ''); continue; }
    const s = `test-secret-${spec.name}-0123456789abcdef`;
    ctx.files.write(spec.name, '.secret_hash', bcrypt.hashSync(s, 4));
    secrets.set(spec.name, s);
  }
  const app = buildApp({ config, logger: createNullLogger(), audit, fail2banGuard: fail2banGuard(ctx) }, { oauth: { ctx, serverName: 'Test Bridge' } });
  // A stand-in protected route, behind the app's middleware like the real one.
  app.post('/mcp', authenticate(ctx), (c) => c.json({ client: c.get('principal')?.clientName, method: c.get('principal')?.authMethod }));
  return {
    dir, app, ctx, clock,
    call(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('host')) headers.set('host', 'localhost:8443');
      return Promise.resolve(app.request(path, { ...init, headers }, { incoming: { socket: { remoteAddress: init.ip ?? '10.0.0.1' } } }));
    },
    secret: (name) => secrets.get(name) ?? '',
    audit: () => readFileSync(join(dir, 'logs', 'audit.log'), 'utf8'),
    token: (name) => ctx.files.read(name, '.token') ?? '',
  };
}

/** POST a form body. */
export function form(body: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString() };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export function bearer(token: string): RequestInit {
  return { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' };
}
