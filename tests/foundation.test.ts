/**
 * End-to-end checks of the foundation against the built binary: CLI, .env-only configuration,
 * TLS policy (openssl s_client), Host/Origin guard, request framing, slow clients, signals,
 * kill -9 during audit appends, and clear start-up errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:tls';
import { readFileSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BIN, httpsGet, newInstall, requireBinary, runBin, startServe, type Install, type Running } from './helpers/install.ts';

let inst: Install;
let serve: Running;

before(async () => {
  requireBinary();
  inst = await newInstall(['TLS_MAX_CONNECTIONS_PER_IP=8', 'AUTH_CLIENTS=alice:sub-alice-20261124:admin']);
  serve = await startServe(inst, { MCP_SERVER_PORT: '1' });
});
after(async () => { await serve?.stop(); });

function sClient(args: string[]): { code: number | null; out: string } {
  const r = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${inst.port}`, ...args], { input: '', encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Send raw bytes over TLS; resolve what the server answered before closing. */
function rawTls(payload: string, waitMs = 3000): Promise<string> {
  return new Promise((res) => {
    let data = '';
    const s = connect({ host: '127.0.0.1', port: inst.port, rejectUnauthorized: false }, () => s.write(payload));
    s.on('data', (d) => { data += d.toString(); });
    const done = (): void => res(data);
    s.on('close', done);
    s.on('error', done);
    setTimeout(() => { s.destroy(); }, waitMs);
  });
}

test('CLI: --version, --help, command help, unknown command', () => {
  assert.match(spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout, /^aibridge \d/);
  const help = spawnSync(BIN, ['--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  for (const c of ['serve', 'audit verify', 'audit export']) assert.match(help.stdout, new RegExp(c));
  assert.match(spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8' }).stdout, /--dir DIR/);
  const bad = spawnSync(BIN, ['frobnicate'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});

test('the process environment is ignored: .env wins', async () => {
  assert.equal((await httpsGet(inst.port, '/health')).body, 'ok');
  assert.match(readFileSync(join(inst.dir, 'logs', 'app.log'), 'utf8'), /"step":11/);
});

test('TLS 1.0 and 1.1 are refused; 1.2 and 1.3 succeed (T-TR-01)', () => {
  assert.notEqual(sClient(['-tls1']).code, 0);
  assert.notEqual(sClient(['-tls1_1']).code, 0);
  assert.match(sClient(['-tls1_2']).out, /Protocol\s*:\s*TLSv1\.2|New, TLSv1\.2/);
  assert.match(sClient(['-tls1_3']).out, /TLSv1\.3/);
});

test('no CBC, RSA key exchange, 3DES or RC4 suites in TLS 1.2 (T-TR-02)', () => {
  for (const c of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384', 'AES128-GCM-SHA256', 'AES256-SHA', 'DES-CBC3-SHA', 'RC4-SHA']) {
    assert.notEqual(sClient(['-tls1_2', '-cipher', c]).code, 0, `${c} was accepted`);
  }
  assert.equal(sClient(['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256']).code, 0);
  assert.equal(sClient(['-tls1_2', '-cipher', 'ECDHE-ECDSA-CHACHA20-POLY1305']).code, 0);
});

test('the self-signed certificate carries the SANs of ALLOWED_HOSTS', () => {
  const pem = sClient(['-tls1_2']).out;
  const r = spawnSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName,basicConstraints'], { input: pem, encoding: 'utf8' });
  assert.match(r.stdout, /DNS:localhost/);
  assert.match(r.stdout, /IP Address:127\.0\.0\.1/);
  assert.match(r.stdout, /CA:FALSE/);
});

test('plain HTTP on the TLS port fails cleanly (T-TR-08)', () => {
  const r = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', `http://127.0.0.1:${inst.port}/health`], { encoding: 'utf8' });
  assert.notEqual(r.stdout, '200');
});

test('forged Host and Origin get 403 and TRANSPORT audit events (T-TR-03/04)', async () => {
  assert.equal((await httpsGet(inst.port, '/health', { Host: `evil.example:${inst.port}` })).status, 403);
  assert.equal((await httpsGet(inst.port, '/health', { Origin: 'https://evil.example' })).status, 403);
  const audit = readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"TRANSPORT","event":"invalid_host"/);
  assert.match(audit, /"TRANSPORT","event":"invalid_origin"/);
});

test('request smuggling shapes and odd targets get 400 and a closed connection (T-TR-06, T-TR-13)', async () => {
  const h = `Host: 127.0.0.1:${inst.port}\r\n`;
  const cases = [
    `POST /health HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    `POST /health HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    `POST /health HTTP/1.1\r\n${h}Content-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
    `GET /health HTTP/1.1\r\n${h}X-A: 1\r\n  folded\r\n\r\n`,
    `GET /health HTTP/1.1\n${h}\n`,
    `GET /health HTTP/1.1\r\n${h}${h}\r\n`,
    `GET https://evil.example/health HTTP/1.1\r\n${h}\r\n`,
  ];
  for (const c of cases) {
    const answer = await rawTls(c);
    assert.match(answer.split('\r\n')[0] ?? '', /^HTTP\/1\.1 400/, `not refused: ${JSON.stringify(c.slice(0, 60))} → ${JSON.stringify(answer.slice(0, 80))}`);
  }
});

test('error bodies and headers reveal no internals (T-TR-14)', async () => {
  const r = await httpsGet(inst.port, '/no/such/path');
  assert.equal(r.status, 404);
  assert.equal(r.headers['x-powered-by'], undefined);
  assert.equal(r.headers.server, undefined);
  assert.ok(!/node|hono|\/work|at /i.test(r.body), r.body);
});

test('slow clients cannot pin connections: per-IP cap and header timeout (§3.8)', async () => {
  const sockets = await Promise.all(Array.from({ length: 12 }, () => new Promise<{ closed: boolean; s: ReturnType<typeof connect> }>((res) => {
    const state = { closed: false, s: connect({ host: '127.0.0.1', port: inst.port, rejectUnauthorized: false }) };
    state.s.on('data', () => undefined);
    state.s.on('close', () => { state.closed = true; });
    state.s.on('error', () => { state.closed = true; });
    state.s.on('secureConnect', () => { state.s.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${inst.port}\r\n`); res(state); });
    setTimeout(() => res(state), 2000);
  })));
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(sockets.filter((x) => x.closed).length >= 4, 'connections over the per-IP cap are closed');
  await new Promise((r) => setTimeout(r, 13_000));
  assert.equal(sockets.filter((x) => !x.closed).length, 0, 'half-sent requests are closed by the header timeout');
  assert.equal((await httpsGet(inst.port, '/health')).body, 'ok');
});

test('SIGTERM finishes the in-flight request and exits 0 within 10 s', async () => {
  const other = await newInstall();
  const s = await startServe(other);
  const answer = new Promise<string>((res) => {
    let data = '';
    const sock = connect({ host: '127.0.0.1', port: other.port, rejectUnauthorized: false }, () => {
      sock.write(`POST /health HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n`);
      setTimeout(() => { s.proc.kill('SIGTERM'); setTimeout(() => sock.write('{}'), 300); }, 200);
    });
    sock.on('data', (d) => { data += d.toString(); });
    sock.on('close', () => res(data));
  });
  const started = Date.now();
  assert.match(await answer, /^HTTP\/1\.1 404/);
  const code = await new Promise<number | null>((r) => (s.proc.exitCode !== null ? r(s.proc.exitCode) : s.proc.once('exit', (c) => r(c))));
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 10_000);
  const audit = readFileSync(join(other.dir, 'logs', 'audit.log'), 'utf8');
  assert.match(audit, /"SERVER","event":"server_started"/);
  assert.match(audit, /"SERVER","event":"server_stopped"/);
  assert.equal(runBin(other, ['audit', 'verify']).code, 0);
  assert.equal(existsSync(join(other.dir, 'aibridge.pid')), false);
});

test('kill -9 during audited requests: restart recovers and the chain verifies (T-AU-09)', async () => {
  const other = await newInstall();
  const s = await startServe(other);
  const burst = Array.from({ length: 300 }, () => httpsGet(other.port, '/health', { Host: 'evil.example' }).catch(() => undefined));
  setTimeout(() => s.proc.kill('SIGKILL'), 150);
  await Promise.all(burst);
  await s.stop();
  const again = await startServe(other);
  await again.stop();
  const v = runBin(other, ['audit', 'verify']);
  assert.equal(v.code, 0, v.out);
  assert.match(v.out, /OK: \d+ records/);
});

test('audit verify names the first bad line; audit export filters and renders CSV', async () => {
  const other = await newInstall();
  const s = await startServe(other);
  await httpsGet(other.port, '/health', { Host: 'evil.example' });
  await s.stop();
  const nd = runBin(other, ['audit', 'export', '--category', 'TRANSPORT']);
  assert.equal(nd.code, 0, nd.out);
  const rows = nd.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { category: string });
  assert.ok(rows.length >= 1 && rows.every((r) => r.category === 'TRANSPORT'));
  const csv = runBin(other, ['audit', 'export', '--format', 'csv', '--from', '2000-01-01T00:00:00Z', '--category', 'SERVER']);
  assert.match(csv.out, /^ts,seq,category,event,details,prev/m);
  assert.match(csv.out, /"server_started"/);
  assert.notEqual(runBin(other, ['audit', 'export', '--category', 'NOPE']).code, 0);
  const log = join(other.dir, 'logs', 'audit.log');
  const lines = readFileSync(log, 'utf8').split('\n');
  lines[1] = (lines[1] ?? '').replace('"event":"', '"event":"x');
  writeFileSync(log, lines.join('\n'));
  const v = runBin(other, ['audit', 'verify']);
  assert.notEqual(v.code, 0);
  assert.match(v.out, /line 3/);
});

test('bad configuration stops start-up with one line naming the key, and nothing half-written', async () => {
  for (const [line, key] of [['MCP_SERVER_PORT=abc', 'MCP_SERVER_PORT'], ['AUTH_MODE=kerberos', 'AUTH_MODE'], ['LOGGING_ROTATE_FILES=-1', 'LOGGING_ROTATE_FILES'], ['not a line', 'line']] as const) {
    const bad = await newInstall([line]);
    const r = runBin(bad, ['serve']);
    assert.notEqual(r.code, 0);
    assert.match(r.out, new RegExp(key));
    assert.equal(r.out.trim().split('\n').length, 1, r.out);
    assert.equal(existsSync(join(bad.dir, 'secrets', 'rsa_private.pem')), false);
  }
});

test('a port in use and a certificate that does not match its key are explained', async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const addr = blocker.address();
  const busy = await newInstall([], typeof addr === 'object' && addr ? addr.port : 1);
  const r = runBin(busy, ['serve']);
  blocker.close();
  assert.notEqual(r.code, 0);
  assert.match(r.out, /already in use.*MCP_SERVER_PORT/);
  const mismatch = await newInstall();
  const s = await startServe(mismatch);
  await s.stop();
  const other = await newInstall();
  const s2 = await startServe(other);
  await s2.stop();
  copyFileSync(join(other.dir, 'secrets', 'server.key'), join(mismatch.dir, 'secrets', 'server.key'));
  const m = runBin(mismatch, ['serve']);
  assert.notEqual(m.code, 0);
  assert.match(m.out, /does not match key/);
});
