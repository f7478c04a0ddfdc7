import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../lab/start-lab.ts';
import type { RunningLab } from '../../lab/start-lab.ts';
import { labEnvText } from '../../lab/lab-files.ts';
import { CredentialStore } from '../../credentials/credential-store.ts';
import { runDoctor } from './run-doctor.ts';
import type { DoctorCheck } from './doctor-result.ts';
import { doctorTable } from './doctor-result.ts';

function row(rows: DoctorCheck[], check: string): DoctorCheck {
  const r = rows.find((x) => x.check === check);
  assert.ok(r, `no row "${check}" in:\n${doctorTable(rows).join('\n')}`);
  return r;
}

describe('runDoctor() against the lab', () => {
  let lab: RunningLab;
  let dir: string;
  let blackHole: Server;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    lab = await startLab({ dir: join(dir, 'lab'), seed: 17, phones: 2 });
    blackHole = createServer(() => { /* accepts TCP, never speaks TLS */ });
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()));
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    mkdirSync(join(dir, 'clients', 'alice', 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'clients', 'alice', 'secrets', '.uuid'), `${randomUUID()}\n`, { mode: 0o600 });
    writeFileSync(join(dir, '.env'), `AUTH_CLIENTS=alice:sub-alice-20261201:admin\n${labEnvText(lab.description)}`, { mode: 0o600 });
    const store = new CredentialStore({ clientsDir: join(dir, 'clients'), secretsDir: join(dir, 'secrets'), idleTimeoutMs: 60_000 });
    for (const n of lab.description.nodes) await store.set('alice', { target: n.name, purpose: 'admin', user: n.username, password: n.password });
    store.forgetAll();
  });
  after(async () => { blackHole.close(); await lab.close(); rmSync(dir, { recursive: true, force: true }); });

  test('every lab node passes reachability, TLS (lab CA) and the client\'s AXL / CUPI login; no secret is printed', async () => {
    const rows = await runDoctor({ root: dir, client: 'alice', timeoutMs: 20_000 });
    for (const n of lab.description.nodes) {
      for (const c of ['reachable', 'TLS', n.product === 'cuc' ? 'CUPI login' : 'AXL login']) assert.equal(row(rows, `node ${n.name}: ${c}`).status, 'PASS', `${n.name} ${c}: ${row(rows, `node ${n.name}: ${c}`).detail}`);
      assert.equal(row(rows, `node ${n.name}: SSH host key`).status, 'WARN', 'an SSH key never trusted is a WARN');
    }
    const text = JSON.stringify(rows);
    for (const n of lab.description.nodes) assert.ok(!text.includes(n.password), 'a password appears in the doctor output');
    assert.equal(row(rows, '.env mode').status, 'PASS');
  });

  test('a wrong password, a changed SSH host key, a loose .env and a node that never answers are FAILs naming the node, within the timeout', async () => {
    const cuc = lab.description.nodes.find((n) => n.product === 'cuc')!;
    const cucm = lab.description.nodes.find((n) => n.product === 'cucm')!;
    const store = new CredentialStore({ clientsDir: join(dir, 'clients'), secretsDir: join(dir, 'secrets'), idleTimeoutMs: 60_000 });
    await store.set('alice', { target: cuc.name, purpose: 'admin', user: cuc.username, password: 'wrong-password' });
    store.forgetAll();
    writeFileSync(join(dir, 'secrets', 'ssh_host_keys.json'), JSON.stringify({ [cucm.name]: { host: cucm.host, port: cucm.ssh_port, sha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', trustedAt: '2026-01-01T00:00:00Z' } }), { mode: 0o600 });
    const port = (blackHole.address() as { port: number }).port;
    writeFileSync(join(dir, '.env'), `AUTH_CLIENTS=alice:sub-alice-20261201:admin\n${labEnvText(lab.description).replace(/^CISCO_NODES=(.*)$/m, 'CISCO_NODES=$1,silent:cucm:127.0.0.1:silent:publisher').replace(/^CISCO_NODE_PORTS=(.*)$/m, `CISCO_NODE_PORTS=$1,silent:${port}:${port}`)}`);
    chmodSync(join(dir, '.env'), 0o644);
    const rows = await runDoctor({ root: dir, client: 'alice', timeoutMs: 3000 });
    assert.equal(row(rows, `node ${cuc.name}: CUPI login`).status, 'FAIL');
    assert.match(row(rows, `node ${cuc.name}: CUPI login`).detail, /401/);
    assert.equal(row(rows, `node ${cucm.name}: SSH host key`).status, 'FAIL');
    assert.equal(row(rows, 'node silent: TLS').status, 'FAIL');
    // Bounded by the per-check timeout (named in the row), not by the peer or an OS default.
    assert.match(row(rows, 'node silent: TLS').detail, /\b3 s\b/);
    assert.equal(row(rows, '.env mode').status, 'FAIL');
    assert.match(row(rows, '.env mode').fix ?? '', /chmod 600/);
  });

  test('without a .env the whole table is still printed (defaults), with the .env row FAIL', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'doctor-empty-'));
    const rows = await runDoctor({ root: empty, timeoutMs: 1000 });
    assert.equal(row(rows, '.env').status, 'FAIL');
    assert.ok(rows.some((r) => r.check === 'audit chain') && rows.some((r) => r.check === 'node inventory'));
    rmSync(empty, { recursive: true, force: true });
  });
});
