import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServerCert } from './server-cert.ts';
import { sansFromAllowedHosts } from './self-signed-sans.ts';
import { AppError } from '../lib/errors.ts';

const HOSTS = ['localhost:*', '127.0.0.1:*', 'mcp.bank.example:8443'];

test('sansFromAllowedHosts() turns host patterns into DNS and IP SANs', () => {
  assert.deepEqual(sansFromAllowedHosts(HOSTS), { dns: ['localhost', 'mcp.bank.example'], ips: ['127.0.0.1'] });
});

test('ensureServerCert() generates an end-entity certificate with the SANs, key mode 600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'));
  const c = await ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS });
  assert.equal(c.action, 'generated');
  const x = new X509Certificate(readFileSync(join(dir, 'server.crt')));
  assert.match(x.subjectAltName ?? '', /DNS:localhost/);
  assert.match(x.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.equal(x.ca, false);
  assert.equal(statSync(join(dir, 'server.key')).mode & 0o777, 0o600);
  const again = await ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS });
  assert.equal(again.action, 'loaded');
  assert.equal(again.certPem, c.certPem);
});

test('ensureServerCert() renews past half-life and when the SANs change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'));
  await ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS });
  const later = new Date(Date.now() + 200 * 86_400_000);
  assert.equal((await ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS, now: later })).action, 'renewed');
  assert.equal((await ensureServerCert({ secretsDir: dir, allowedHosts: [...HOSTS, 'new.example:*'] })).action, 'renewed');
});

test('ensureServerCert() keeps an operator certificate and refuses one that does not match its key (E_TLS_INVALID)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'));
  const other = mkdtempSync(join(tmpdir(), 'cert-'));
  await ensureServerCert({ secretsDir: other, allowedHosts: ['op.example:*'] });
  // Operator files: make them "not ours" by using them through TLS_CA_SIGNED_* paths.
  const ok = await ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS, caSignedCertFile: join(other, 'server.crt'), caSignedKeyFile: join(other, 'server.key') });
  assert.equal(ok.source, 'operator');
  const wrongKey = join(dir, 'wrong.key');
  writeFileSync(wrongKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  await assert.rejects(ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS, caSignedCertFile: join(other, 'server.crt'), caSignedKeyFile: wrongKey }),
    (e: unknown) => e instanceof AppError && e.code === 'E_TLS_INVALID' && /does not match/.test(e.message));
  await assert.rejects(ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS, caSignedCertFile: join(dir, 'missing.crt'), caSignedKeyFile: wrongKey }), /Cannot read TLS certificate/);
});

test('two installs\' self-signed certificates can share one trust store (subjects are unique)', async (t) => {
  const certs = await Promise.all([0, 1].map(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cert-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return ensureServerCert({ secretsDir: dir, allowedHosts: HOSTS });
  }));
  assert.notEqual(new X509Certificate(certs[0]!.certPem).subject, new X509Certificate(certs[1]!.certPem).subject);
  const ca = certs.map((c) => c.certPem);
  for (const c of certs) {
    const server = createServer({ cert: c.certPem, key: c.keyPem }, (s) => s.end('ok'));
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<string>((res, rej) => {
      const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => s.setEncoding('utf8'));
      let got = '';
      s.on('data', (d) => { got += d; }).on('end', () => res(got)).on('error', rej);
    });
    assert.equal(answer, 'ok');
  }
});
