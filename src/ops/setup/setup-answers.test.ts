import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFqdn, checkNodeHost, defaultSubject, isLoopbackHost, parseAnswers } from './setup-answers.ts';
import { renderEnv } from './render-env.ts';
import { writeEnv } from './write-env.ts';
import { portProblem } from './install-facts.ts';
import { loadConfig } from '../../config/load-config.ts';

const PROFILES = ['admin', 'operator', 'auditor'];
const BASE = { fqdn: 'mcp.bank.example', port: 18573, bind: '127.0.0.1', auth_mode: 'jwt+oauth2', clients: [{ name: 'alice', profile: 'admin', auth_mode: 'jwt' }, { name: 'ops-bot', profile: 'operator', auth_mode: 'oauth2' }] };
const NOW = new Date('2026-12-01T10:00:00Z');

function rejects(raw: unknown, field: RegExp): void {
  assert.throws(() => parseAnswers(raw, { profiles: PROFILES }), (e: Error & { code?: string }) => e.code === 'E_CONFIG_INVALID' && field.test(e.message));
}

test('parseAnswers() rejects a wrong answer naming the field', () => {
  for (const fqdn of ['bad', 'mcp..bank', '10.1.1.5', '-x.example', 'a b.example', `${'a'.repeat(64)}.example`, 'mcp.bank.example\nAUTH_MODE=jwt']) rejects({ ...BASE, fqdn }, /fqdn/);
  for (const port of [0, 65536, 1.5, -1]) rejects({ ...BASE, port }, /port/);
  for (const bind of ['everywhere', '999.1.1.1', '']) rejects({ ...BASE, bind }, /bind/);
  rejects({ ...BASE, clients: [{ name: 'alice', profile: 'admin' }, { name: 'Alice', profile: 'admin' }] }, /clients\[1\]\.name.*twice/);
  rejects({ ...BASE, clients: [{ name: 'bad:name', profile: 'admin' }] }, /clients\[0\]\.name/);
  rejects({ ...BASE, clients: [{ name: 'alice', profile: 'root' }] }, /clients\[0\]\.profile.*does not exist/);
  rejects({ ...BASE, auth_mode: 'jwt', clients: [{ name: 'a', profile: 'admin', auth_mode: 'oauth2' }] }, /auth_mode/);
  rejects({ ...BASE, unknown_key: 1 }, /top level|unknown/i);
  rejects({ ...BASE, tls: { mode: 'ca-signed' } }, /tls/);
});

test('parseAnswers() refuses loopback node addresses in production and allows them in a lab', () => {
  const node = (host: string) => ({ name: 'cucm-pub', product: 'cucm', host, cluster: 'c1', role: 'publisher' });
  for (const host of ['127.0.0.1', '127.9.9.9', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1', 'x.localhost']) {
    rejects({ ...BASE, nodes: [node(host)] }, /nodes\[0\]\.host.*loopback/);
    assert.equal(parseAnswers({ ...BASE, environment: 'lab', nodes: [node(host)] }, { profiles: PROFILES }).nodes.length, 1, host);
  }
  for (const host of ['10.1.1.5', 'cucm.bank.example', '2001:db8::5']) assert.equal(checkNodeHost(host, 'production'), undefined, host);
  assert.equal(isLoopbackHost('128.0.0.1'), false);
  assert.equal(checkFqdn('mcp.bank.example'), undefined);
});

test('renderEnv() derives the issuer, allowed hosts and origins, subjects and 4-field clients; the result loads', () => {
  const a = parseAnswers({ ...BASE, nodes: [{ name: 'cucm-pub', product: 'cucm', host: '10.1.1.5', cluster: 'c1', role: 'publisher', ssh_port: 2222 }], backups: { enabled: true, sftp: { host: 'sftp.bank.example', user: 'aib' } } }, { profiles: PROFILES });
  const text = renderEnv(a, { now: NOW, source: 'test', profiles: PROFILES });
  assert.match(text, /^AUTH_ISSUER=https:\/\/mcp\.bank\.example:18573$/m);
  assert.match(text, /^MCP_SERVER_SECURITY_ALLOWED_HOSTS=mcp\.bank\.example:18573,/m);
  assert.match(text, /^MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https:\/\/mcp\.bank\.example:18573,/m);
  assert.match(text, /^AUTH_CLIENTS=alice:sub-alice-20261201:admin:jwt,ops-bot:sub-ops-bot-20261201:operator:oauth2$/m);
  assert.match(text, /^CISCO_NODE_PORTS=cucm-pub:8443:2222$/m);
  assert.equal(defaultSubject('bob', NOW), 'sub-bob-20261201');
  const dir = mkdtempSync(join(tmpdir(), 'setup-'));
  writeEnv(dir, text, { force: false, now: NOW });
  const cfg = loadConfig(dir);
  assert.equal(cfg.env.AUTH_ISSUER, 'https://mcp.bank.example:18573');
  assert.equal(cfg.env.BACKUP_SFTP_HOST, 'sftp.bank.example');
  assert.equal(cfg.env.AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT, 'strict');
  assert.deepEqual(cfg.warnings, []);
  const three = renderEnv(parseAnswers({ ...BASE, auth_mode: 'jwt', clients: [{ name: 'alice', profile: 'admin' }] }, { profiles: PROFILES }), { now: NOW, source: 't', profiles: PROFILES });
  assert.match(three, /^AUTH_CLIENTS=alice:sub-alice-20261201:admin$/m);
});

test('writeEnv() writes mode 600, refuses an existing .env, and with force keeps a .env.bak-<time>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'setup-'));
  writeEnv(dir, 'A=1\n', { force: false, now: NOW });
  assert.equal(statSync(join(dir, '.env')).mode & 0o777, 0o600);
  assert.throws(() => writeEnv(dir, 'A=2\n', { force: false, now: NOW }), /already exists/);
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'A=1\n');
  writeFileSync(join(dir, '.env'), 'A=1\n', { mode: 0o644 });
  const r = writeEnv(dir, 'A=3\n', { force: true, now: NOW });
  assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'A=3\n');
  assert.equal(r.backup, join(dir, '.env.bak-20261201_100000'));
  assert.equal(readFileSync(r.backup, 'utf8'), 'A=1\n');
  assert.equal(statSync(r.backup).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('portProblem() names a port in use and accepts a free one', async () => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  assert.match(await portProblem('127.0.0.1', port) ?? '', /in use/);
  await new Promise<void>((r) => s.close(() => r()));
  assert.equal(await portProblem('127.0.0.1', port), undefined);
  assert.match(await portProblem('192.0.2.77', port) ?? '', /not an address/);
});
