import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from './credential-store.ts';
import { AppError } from '../lib/errors.ts';

function install(clients: string[]): { root: string; clientsDir: string; secretsDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'aibridge-cred-'));
  const clientsDir = join(root, 'clients');
  const secretsDir = join(root, 'secrets');
  for (const c of clients) {
    mkdirSync(join(clientsDir, c, 'secrets'), { recursive: true });
    writeFileSync(join(clientsDir, c, 'secrets', '.uuid'), `${randomUUID()}\n`, { mode: 0o600 });
  }
  return { root, clientsDir, secretsDir };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

const PW = 'Sup3r-Secret<&>"\'pw';

test('CredentialStore stores AES-256-GCM ciphertext only, audits, lists without passwords and finds node then cluster', async () => {
  const { root, clientsDir, secretsDir } = install(['alice']);
  const events: string[] = [];
  const store = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000, audit: { append: (c, e) => events.push(`${c}:${e}`) } });
  assert.equal(await store.set('alice', { target: 'cl1', purpose: 'admin', user: 'axladmin', password: PW }), 'created');
  assert.equal(await store.set('alice', { target: 'cl1', purpose: 'admin', user: 'axladmin', password: PW }), 'updated');
  await store.set('alice', { target: 'cm-sub', purpose: 'admin', user: 'subadmin', password: 'other' });
  await store.set('alice', { target: 'cl1', purpose: 'phone', user: 'phoneuser', password: 'pp' });
  for (const f of allFiles(root)) assert.ok(!readFileSync(f).includes(Buffer.from(PW)), `plaintext password in ${f}`);
  assert.equal(statSync(join(clientsDir, 'alice', 'secrets', 'credentials.enc')).mode & 0o777, 0o600);
  assert.equal(statSync(join(secretsDir, 'credentials.salt')).mode & 0o777, 0o600);
  assert.deepEqual(events, ['CREDENTIAL:credential_created', 'CREDENTIAL:credential_updated', 'CREDENTIAL:credential_created', 'CREDENTIAL:credential_created']);
  const list = await store.list('alice');
  assert.equal(list.length, 3);
  assert.ok(!JSON.stringify(list).includes(PW));
  assert.equal((await store.loginFor('alice', ['cm-pub', 'cl1'], 'admin')).password, PW);
  assert.equal((await store.loginFor('alice', ['cm-sub', 'cl1'], 'admin')).user, 'subadmin');
  assert.equal((await store.loginFor('alice', ['cm-pub', 'cl1'], 'phone')).user, 'phoneuser');
  // A second store (another process, e.g. the CLI) reads the same file back.
  const again = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  assert.equal((await again.loginFor('alice', ['cl1'], 'admin')).password, PW);
  assert.equal(await store.delete('alice', 'cl1', 'phone'), 1);
  await assert.rejects(again.loginFor('alice', ['cl1'], 'phone'), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN');
  store.forgetAll(); again.forgetAll();
});

test('CredentialStore never lets one client use or read another client\'s credentials', async () => {
  const { clientsDir, secretsDir } = install(['alice', 'eve']);
  const store = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  await store.set('alice', { target: 'cl1', purpose: 'admin', user: 'axladmin', password: PW });
  await assert.rejects(store.loginFor('eve', ['cm-pub', 'cl1'], 'admin'), (e: unknown) => e instanceof AppError && e.code === 'E_FORBIDDEN' && /Client "eve" has no admin credentials/.test(e.message));
  // Copying alice's encrypted file into eve's folder gives eve nothing: different key and bound to the client name.
  copyFileSync(join(clientsDir, 'alice', 'secrets', 'credentials.enc'), join(clientsDir, 'eve', 'secrets', 'credentials.enc'));
  await assert.rejects(store.loginFor('eve', ['cl1'], 'admin'), (e: unknown) => e instanceof AppError && e.code === 'E_INTEGRITY');
  await assert.rejects(store.list('../alice'), (e: unknown) => e instanceof AppError && e.code === 'E_INPUT_INVALID');
  store.forgetAll();
});

test('CredentialStore refuses an unknown client with a hint to start the server once', async () => {
  const { clientsDir, secretsDir } = install([]);
  const store = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  await assert.rejects(store.list('bob'), (e: unknown) => e instanceof AppError && e.code === 'E_NOT_FOUND' && /start aibridge serve once/.test(e.hint ?? ''));
});

test('CredentialStore drops decrypted credentials after the idle timeout', async () => {
  const { clientsDir, secretsDir } = install(['alice']);
  const store = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 50 });
  await store.set('alice', { target: 'cl1', purpose: 'admin', user: 'u', password: PW });
  assert.equal(store.isCached('alice'), true);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(store.isCached('alice'), false);
});

test('CredentialStore refuses a tampered file and a group-readable salt', async () => {
  const { clientsDir, secretsDir } = install(['alice']);
  const store = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  await store.set('alice', { target: 'cl1', purpose: 'admin', user: 'u', password: PW });
  store.forgetAll();
  const f = join(clientsDir, 'alice', 'secrets', 'credentials.enc');
  const env = JSON.parse(readFileSync(f, 'utf8')) as { data: string };
  const b = Buffer.from(env.data, 'base64'); b[0] = b[0]! ^ 1; env.data = b.toString('base64');
  writeFileSync(f, JSON.stringify(env));
  await assert.rejects(store.list('alice'), (e: unknown) => e instanceof AppError && e.code === 'E_INTEGRITY');
  chmodSync(join(secretsDir, 'credentials.salt'), 0o644);
  const fresh = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  await assert.rejects(fresh.list('alice'), (e: unknown) => e instanceof AppError && e.code === 'E_KEY_INVALID');
});

test('CredentialStore notices a replaced client folder (new UUID, so a new key) and a rewritten file between calls', async () => {
  const { clientsDir, secretsDir } = install(['alice']);
  const store = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  await store.set('alice', { target: 'cl1', purpose: 'admin', user: 'u1', password: PW });
  const first = await store.loginFor('alice', ['cl1'], 'admin');
  assert.equal(first.user, 'u1');
  // The same frozen object while the file is unchanged (the AXL client keys its session digest by it).
  assert.equal(await store.loginFor('alice', ['cl1'], 'admin'), first);
  assert.ok(Object.isFrozen(first));
  // Another process (the CLI) sets a credential: the cached entries are read again.
  const cli = new CredentialStore({ clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  await cli.set('alice', { target: 'cl1', purpose: 'admin', user: 'u2', password: PW });
  const second = await store.loginFor('alice', ['cl1'], 'admin');
  assert.equal(second.user, 'u2');
  assert.notEqual(second, first);
  // The client folder is restored from another install: new .uuid, credentials encrypted with its key.
  const other = install(['alice']);
  const elsewhere = new CredentialStore({ clientsDir: other.clientsDir, secretsDir, idleTimeoutMs: 60_000 });
  await elsewhere.set('alice', { target: 'cl1', purpose: 'admin', user: 'u3', password: PW });
  for (const f of ['.uuid', 'credentials.enc']) copyFileSync(join(other.clientsDir, 'alice', 'secrets', f), join(clientsDir, 'alice', 'secrets', f));
  assert.equal((await store.loginFor('alice', ['cl1'], 'admin')).user, 'u3');
  // A removed .uuid is an unknown client again, even with the key cached.
  rmSync(join(clientsDir, 'alice', 'secrets', '.uuid'));
  await assert.rejects(store.loginFor('alice', ['cl1'], 'admin'), (e: unknown) => e instanceof AppError && e.code === 'E_NOT_FOUND');
  store.forgetAll(); cli.forgetAll(); elsewhere.forgetAll();
});
