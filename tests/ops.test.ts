/**
 * End-to-end checks of the operations against the built binary: SFTP export to a real OpenSSH
 * sshd on loopback (key and password auth, [host]:port and hashed known_hosts, mismatch, unknown
 * host, missing file), restore --replace with a running server, rotation with a running server,
 * integrity at start-up, and kill -9 at random points of backup, restore --replace, rotate and
 * upgrade (afterwards the install starts and every earlier backup still restores).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { BIN, DIST, freePort, httpsGet, newInstall, requireBinary, runBin, startServe, type Install } from './helpers/install.ts';

const NODE = process.execPath;
const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find(existsSync);
const scratch = mkdtempSync(join(tmpdir(), 'aibridge-ops-e2e-'));
const procs: ChildProcess[] = [];

function sh(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

interface Sshd { port: number; dir: string; remote: string; log: () => string; knownHosts: string; clientKey: string; stop(): void }

/** A throwaway OpenSSH sshd on 127.0.0.1 (key auth; password auth when `passwordUser` is given). */
async function startSshd(name: string, passwordUser?: string): Promise<Sshd> {
  if (!SSHD) throw new Error('OpenSSH sshd is not installed (Debian package openssh-server)');
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'remote'), { recursive: true });
  mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  for (const k of ['hostkey', 'client_key']) sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, k)]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'hostkey')}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'StrictModes no', `PasswordAuthentication ${passwordUser ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'UsePAM no', 'LogLevel VERBOSE', 'Subsystem sftp internal-sftp', '',
  ].join('\n'));
  const proc = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(proc);
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  let kh = '';
  for (let i = 0; i < 40 && !kh; i++) {
    await new Promise((r) => setTimeout(r, 250));
    kh = spawnSync('ssh-keyscan', ['-p', String(port), '127.0.0.1'], { encoding: 'utf8' }).stdout ?? '';
  }
  if (!kh) throw new Error(`sshd did not start: ${log}`);
  writeFileSync(join(dir, 'known_hosts'), kh);
  return { port, dir, remote: join(dir, 'remote'), log: () => log, knownHosts: join(dir, 'known_hosts'), clientKey: join(dir, 'client_key'), stop: () => proc.kill() };
}

function sftpEnv(s: Sshd, extra: string[] = [], user = userInfo().username): string[] {
  return [`BACKUP_SFTP_HOST=127.0.0.1`, `BACKUP_SFTP_PORT=${s.port}`, `BACKUP_SFTP_USER=${user}`, 'BACKUP_SFTP_AUTH=key', `BACKUP_SFTP_KEY_FILE=${s.clientKey}`,
    `BACKUP_SFTP_KNOWN_HOSTS=${s.knownHosts}`, `BACKUP_SFTP_REMOTE_PATH=${s.remote}/`, ...extra];
}

/** An install whose keys exist (serve started once). */
async function readyInstall(extra: string[] = []): Promise<Install> {
  const inst = await newInstall(['AUTH_CLIENTS=alice:sub-alice-20261124:admin', ...extra]);
  const s = await startServe(inst);
  assert.equal(await s.stop(), 0);
  return inst;
}

/** Assert exit code `code`, with the whole output on one line when it fails. */
function expectExit(r: { code: number | null; out: string }, code: number): void {
  assert.equal(r.code, code, r.out.replace(/\n/g, ' | '));
}

function backups(inst: Install): string[] {
  const d = join(inst.dir, 'backups');
  return existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.enc')).map((n) => join(d, n)).sort() : [];
}

function auditText(inst: Install): string {
  return readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8');
}

before(() => { requireBinary(); });
after(() => { for (const p of procs) p.kill(); rmSync(scratch, { recursive: true, force: true }); });

test('SFTP export with key auth, [host]:port known_hosts, temp-then-rename upload and remote retention', async () => {
  const s = await startSshd('key');
  const inst = await readyInstall(sftpEnv(s, ['BACKUP_SFTP_RETENTION=2']));
  for (let i = 0; i < 3; i++) {
    const r = runBin(inst, ['backup']);
    expectExit(r, 0);
    await new Promise((res) => setTimeout(res, 1100));
  }
  const remote = readdirSync(s.remote).sort();
  assert.equal(remote.filter((n) => n.endsWith('.enc')).length, 2, remote.join(' '));
  assert.equal(remote.filter((n) => n.endsWith('.sha512')).length, 2);
  assert.deepEqual(remote.filter((n) => n.startsWith('.')), [], 'no temp file left remotely');
  const last = backups(inst).at(-1) as string;
  assert.deepEqual(readFileSync(join(s.remote, last.split('/').at(-1) as string)), readFileSync(last));
  assert.match(auditText(inst), /"EXPORTED".*backup_exported|backup_exported.*"EXPORTED"/);
  s.stop();
});

test('SFTP export accepts hashed known_hosts entries (ssh-keygen -H)', async () => {
  const s = await startSshd('hashed');
  sh('ssh-keygen', ['-H', '-f', s.knownHosts]);
  assert.match(readFileSync(s.knownHosts, 'utf8'), /^\|1\|/);
  const inst = await readyInstall(sftpEnv(s));
  const r = runBin(inst, ['backup']);
  expectExit(r, 0);
  assert.equal(readdirSync(s.remote).filter((n) => n.endsWith('.enc')).length, 1);
  s.stop();
});

test('SFTP host key mismatch, unknown host and missing known_hosts abort before authentication (T-BK-13)', async () => {
  const s = await startSshd('mismatch');
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(s.dir, 'other')]);
  const otherKey = readFileSync(join(s.dir, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(s.knownHosts, `[127.0.0.1]:${s.port} ${otherKey}\n`);
  const inst = await readyInstall(sftpEnv(s));
  const r = runBin(inst, ['backup']);
  expectExit(r, 1);
  assert.match(r.out, /host key .* does not match known_hosts/i);
  assert.match(r.out, /local backup .* is kept/);
  assert.equal(backups(inst).length, 1, 'the local backup stays');
  assert.deepEqual(readdirSync(s.remote), []);
  assert.match(auditText(inst), /sftp_host_key_rejected/);
  assert.doesNotMatch(s.log(), /Accepted|Failed|Postponed|userauth/i, 'no authentication was attempted');
  writeFileSync(s.knownHosts, `[10.9.9.9]:${s.port} ${otherKey}\n`);
  const unknown = runBin(inst, ['backup']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.out, /not in known_hosts/);
  rmSync(s.knownHosts);
  const missing = runBin(inst, ['backup']);
  assert.equal(missing.code, 1);
  assert.match(missing.out, /known_hosts file .* does not exist/);
  assert.deepEqual(readdirSync(s.remote), []);
  s.stop();
});

test('SFTP remote disk full: no partial file under the final name, bounded retries, audited (T-BK-14)', { skip: process.getuid?.() !== 0 ? 'needs root to mount a small tmpfs' : false }, async () => {
  const s = await startSshd('diskfull');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', s.remote]);
  assert.equal(m.status, 0, `mount failed: ${m.stderr}`);
  try {
    const inst = await readyInstall(sftpEnv(s));
    writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'big.bin'), randomBytes(2 << 20));
    const r = runBin(inst, ['backup']);
    expectExit(r, 1);
    assert.match(r.out, /SFTP export failed/);
    assert.deepEqual(readdirSync(s.remote).filter((n) => n.endsWith('.enc') || n.endsWith('.part')), [], 'no partial or final remote backup');
    assert.equal(backups(inst).length, 1, 'the local backup stays');
    assert.match(auditText(inst), /backup_export_failed/);
    assert.doesNotMatch(auditText(inst), /backup_exported/);
  } finally { spawnSync('umount', [s.remote]); s.stop(); }
});

test('SFTP export with password auth from BACKUP_SFTP_PASSWORD_ENC', { skip: process.getuid?.() !== 0 ? 'needs root to create a test user with a password' : false }, async () => {
  const user = 'aibridgesftp';
  const password = randomBytes(12).toString('base64url');
  if (spawnSync('id', [user]).status !== 0) sh('useradd', ['-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', user]);
  sh('chpasswd', [], `${user}:${password}\n`);
  const s = await startSshd('password', user);
  chmodSync(scratch, 0o755);
  chmodSync(s.dir, 0o755);
  sh('chown', [user, s.remote]);
  const inst = await readyInstall(sftpEnv(s, [], user).map((l) => (l === 'BACKUP_SFTP_AUTH=key' ? 'BACKUP_SFTP_AUTH=password' : l)));
  const enc = runBin(inst, ['sftp-password', 'encrypt'], `${password}\n`);
  expectExit(enc, 0);
  assert.equal(readFileSync(join(inst.dir, '.env'), 'utf8').includes(password), false);
  assert.equal(runBin(inst, ['sftp-password', 'verify'], `${password}\n`).code, 0);
  assert.equal(runBin(inst, ['sftp-password', 'verify'], 'wrong\n').code, 1);
  const r = runBin(inst, ['backup']);
  expectExit(r, 0);
  assert.equal(readdirSync(s.remote).filter((n) => n.endsWith('.enc')).length, 1);
  s.stop();
});

test('restore --replace stops a running server, swaps the state in and the server starts again', async () => {
  const inst = await readyInstall();
  const report = join(inst.dir, 'clients', 'alice', 'reports', 'r.md');
  writeFileSync(report, 'original\n');
  assert.equal(runBin(inst, ['backup']).code, 0);
  writeFileSync(report, 'changed\n');
  const serve = await startServe(inst);
  const r = runBin(inst, ['restore', '--file', backups(inst)[0] as string, '--replace', '--yes']);
  expectExit(r, 0);
  assert.match(r.out, /stopping the server/);
  assert.equal(await serve.stop(), 0);
  assert.equal(readFileSync(report, 'utf8'), 'original\n');
  assert.match(auditText(inst), /backup_restored/);
  const again = await startServe(inst);
  assert.equal((await httpsGet(inst.port, '/health')).body, 'ok');
  await again.stop();
  const no = runBin(inst, ['restore', '--file', backups(inst)[0] as string, '--replace'], 'no\n');
  assert.equal(no.code, 2);
  assert.match(no.out, /cancelled/);
});

test('rotate refuses while serving; after it JWTs are reissued, audit verifies, old backups need the archived key', async () => {
  const inst = await readyInstall();
  assert.equal(runBin(inst, ['backup']).code, 0);
  const old = backups(inst)[0] as string;
  const token = readFileSync(join(inst.dir, 'clients', 'alice', 'secrets', '.token'), 'utf8');
  const serve = await startServe(inst);
  const refused = runBin(inst, ['rotate']);
  assert.equal(refused.code, 1);
  assert.match(refused.out, /while the server runs/);
  await serve.stop();
  const r = runBin(inst, ['rotate']);
  expectExit(r, 0);
  assert.equal(runBin(inst, ['audit', 'verify']).code, 0);
  const s2 = await startServe(inst);
  await s2.stop();
  assert.notEqual(readFileSync(join(inst.dir, 'clients', 'alice', 'secrets', '.token'), 'utf8'), token, 'JWT reissued');
  assert.equal(runBin(inst, ['audit', 'verify']).code, 0);
  assert.equal(runBin(inst, ['restore', '--file', old, '--verify']).code, 1);
  const archived = readdirSync(join(inst.dir, 'secrets')).find((n) => n.startsWith('rsa_private.pem.archived.')) as string;
  assert.equal(runBin(inst, ['restore', '--file', old, '--verify', '--key', join(inst.dir, 'secrets', archived)]).code, 0);
});

test('tampering is logged CRITICAL at start-up and the server keeps serving (integrity)', async () => {
  const inst = await readyInstall();
  assert.equal(runBin(inst, ['integrity']).code, 0);
  appendFileSync(join(inst.dir, 'profiles', '_default', 'admin.json'), ' ');
  const r = runBin(inst, ['integrity']);
  assert.equal(r.code, 1);
  assert.match(r.out, /altered: profiles\/_default\/admin\.json: expected sha512 [0-9a-f]{128}, actual [0-9a-f]{128}/);
  const serve = await startServe(inst);
  assert.equal((await httpsGet(inst.port, '/health')).body, 'ok');
  const metrics = await httpsGet(inst.port, '/metrics');
  assert.match(metrics.body, /aibridge_watchdog_state\{[^}]*watchdog="integrity"[^}]*state="alert"|aibridge_watchdog_state\{[^}]*state="alert"[^}]*watchdog="integrity"/, metrics.body.slice(0, 2000));
  await serve.stop();
  const app = readFileSync(join(inst.dir, 'logs', 'app.log'), 'utf8');
  assert.match(app, /"level":"critical","event":"integrity_failed"/);
  assert.match(auditText(inst), /integrity_failed/);
});

/** app.log from byte `from` on, as parsed lines. */
function appLogSince(inst: Install, from: number): Array<Record<string, unknown>> {
  return readFileSync(join(inst.dir, 'logs', 'app.log')).subarray(from).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function appLogSize(inst: Install): number {
  return statSync(join(inst.dir, 'logs', 'app.log')).size;
}

/** Poll app.log (from byte `from`) for a line matching `match`, ≤ 30 s. */
async function waitForLog(inst: Install, from: number, match: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const hit = appLogSince(inst, from).find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no such app.log line: ${JSON.stringify(appLogSince(inst, from).slice(-5))}`);
}

const step4 = (e: Record<string, unknown>): boolean => e.event === 'startup_step' && e.step === 4;
const WATCHDOG_ALERT = /aibridge_watchdog_state\{[^}]*watchdog="integrity"[^}]*state="alert"|aibridge_watchdog_state\{[^}]*state="alert"[^}]*watchdog="integrity"/;

test('start-up accepts unchanged files by their verified identity and hashes them all in the background after listening; a change is caught at the next start, a forged record by that background check', async () => {
  const inst = await readyInstall(); // writes the shipped files the install lacks
  await new Promise((r) => setTimeout(r, 2100)); // they must be older than the racy margin to be recorded
  const first = await startServe(inst);
  assert.equal(await first.stop(), 0);
  const recordPath = join(inst.dir, 'secrets', 'integrity-verified.json');
  assert.equal(statSync(recordPath).mode & 0o777, 0o600);

  let from = appLogSize(inst);
  const second = await startServe(inst);
  const quick = (await waitForLog(inst, from, step4));
  assert.deepEqual([quick.state, quick.method, quick.files_hashed], ['ok', 'identity', 0]);
  await waitForLog(inst, from, (e) => e.event === 'integrity_ok' && e.method === 'full');
  assert.equal(await second.stop(), 0);

  // Same size, mtime set back: the ctime moved, so step 4 reads the file and reports it.
  const example = join(inst.dir, '.env.example');
  const original = readFileSync(example);
  const { atime, mtime } = statSync(example);
  writeFileSync(example, Buffer.from(original.toString('latin1').replace(/^#/, '!'), 'latin1'));
  utimesSync(example, atime, mtime);
  from = appLogSize(inst);
  const third = await startServe(inst);
  assert.deepEqual([(await waitForLog(inst, from, step4)).state], ['tampered']);
  assert.ok(appLogSince(inst, from).some((e) => e.event === 'integrity_failed' && e.level === 'critical' && JSON.stringify(e.problems).includes('.env.example')));
  assert.match((await httpsGet(inst.port, '/metrics')).body, WATCHDOG_ALERT);
  assert.equal(await third.stop(), 0);

  // A writer who can also rewrite the record (the service account or root): step 4 is fooled, the background check is not.
  writeFileSync(example, original);
  const sig = join(inst.dir, 'aibridge.cdx.json.sig');
  writeFileSync(sig, readFileSync(sig, 'utf8').replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
  const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { files: Record<string, Record<string, string>> };
  const st = statSync(sig, { bigint: true });
  record.files[sig] = { ...record.files[sig], dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtime_ns: String(st.mtimeNs), ctime_ns: String(st.ctimeNs) };
  writeFileSync(recordPath, JSON.stringify(record), { mode: 0o600 });
  from = appLogSize(inst);
  const auditFrom = auditText(inst).length;
  const fourth = await startServe(inst);
  assert.deepEqual([(await waitForLog(inst, from, step4)).state], ['ok']);
  const alert = await waitForLog(inst, from, (e) => e.event === 'integrity_failed');
  assert.equal(alert.level, 'critical');
  assert.match(JSON.stringify(alert.problems), /altered: aibridge\.cdx\.json\.sig/);
  assert.match(auditText(inst).slice(auditFrom), /integrity_failed/);
  assert.match((await httpsGet(inst.port, '/metrics')).body, WATCHDOG_ALERT);
  assert.equal(await fourth.stop(), 0);
  expectExit(runBin(inst, ['integrity']), 1);
});

test('with BACKUP_ENABLED=1 the watchdog backs up at start-up and reports it on /metrics', async () => {
  const inst = await readyInstall(['BACKUP_ENABLED=1', 'BACKUP_INTERVAL_HOURS=24']);
  await new Promise((r) => setTimeout(r, 1100)); // a new file name (one-second resolution)
  const before = backups(inst).length;
  const serve = await startServe(inst);
  try {
    for (let i = 0; i < 120 && backups(inst).length === before; i++) await new Promise((r) => setTimeout(r, 250));
    assert.equal(backups(inst).length, before + 1);
    let metrics = '';
    for (let i = 0; i < 40; i++) {
      metrics = (await httpsGet(inst.port, '/metrics')).body;
      if (/watchdog="backup"[^}]*state="ok"|state="ok"[^}]*watchdog="backup"/.test(metrics)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(metrics, /watchdog="backup"[^}]*state="ok"|state="ok"[^}]*watchdog="backup"/);
  } finally { assert.equal(await serve.stop(), 0); }
  assert.match(auditText(inst), /"trigger":"startup"/);
});

/** Every backup in the install verifies with the current key or an archived one. */
function allBackupsRestore(inst: Install): void {
  const keys = [undefined, ...readdirSync(join(inst.dir, 'secrets')).filter((n) => n.startsWith('rsa_private.pem.archived.')).map((n) => join(inst.dir, 'secrets', n))];
  for (const b of backups(inst)) {
    assert.ok(existsSync(`${b}.sha512`), `${b} has its sidecar`);
    const ok = keys.some((k) => runBin(inst, ['restore', '--file', b, '--verify', ...(k ? ['--key', k] : [])]).code === 0);
    assert.ok(ok, `${b} no longer restores`);
  }
}

async function killAtRandom(inst: Install, args: string[], maxMs: number, input?: string): Promise<void> {
  const p = spawn(inst.bin, [...args, '--dir', inst.dir], { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'ignore'] });
  const exited = new Promise((r) => p.on('exit', r));
  if (input) p.stdin?.end(input);
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * maxMs)));
  p.kill('SIGKILL');
  await exited;
}

async function startsAndStops(inst: Install): Promise<void> {
  const s = await startServe(inst);
  assert.equal((await httpsGet(inst.port, '/health')).body, 'ok');
  assert.equal(await s.stop(), 0);
}

test('kill -9 at random points of backup, restore --replace, rotate and upgrade leaves a working install (T-BK-08/09/11)', { timeout: 900_000 }, async () => {
  const inst = await readyInstall();
  writeFileSync(join(inst.dir, 'clients', 'alice', 'reports', 'big.bin'), randomBytes(24 << 20));
  assert.equal(runBin(inst, ['backup']).code, 0);
  for (let i = 0; i < 8; i++) {
    await killAtRandom(inst, ['backup'], 1500);
    for (const n of readdirSync(join(inst.dir, 'backups'))) {
      if (n.endsWith('.enc')) assert.ok(statSync(join(inst.dir, 'backups', n)).size > 1 << 20, `no half backup under a final name: ${n}`);
    }
  }
  allBackupsRestore(inst);
  const first = backups(inst)[0] as string;
  for (let i = 0; i < 5; i++) await killAtRandom(inst, ['restore', '--file', first, '--replace', '--yes'], 2500);
  assert.equal(runBin(inst, ['restore', '--file', first, '--replace', '--yes']).code, 0);
  await startsAndStops(inst);
  for (let i = 0; i < 5; i++) await killAtRandom(inst, ['rotate'], 800);
  await startsAndStops(inst);
  allBackupsRestore(inst);
  assert.equal(runBin(inst, ['audit', 'verify']).code, 0);
  const pkg = join(scratch, 'aibridge-99.0.0.tar.gz');
  const rel = spawnSync(NODE, ['scripts/release-package.ts', '--version', '99.0.0', '--development', '--out', pkg], { encoding: 'utf8' });
  assert.equal(rel.status, 0, rel.stderr);
  const dry = runBin(inst, ['upgrade', '--file', pkg, '--dry-run']);
  expectExit(dry, 0);
  assert.match(dry.out, /0\.1\.0 -> 99\.0\.0|-> 99\.0\.0/);
  for (let i = 0; i < 4; i++) await killAtRandom(inst, ['upgrade', '--file', pkg, '--no-backup'], 3000);
  await startsAndStops(inst);
  expectExit(runBin(inst, ['upgrade', '--file', pkg, '--no-backup']), 0);
  assert.match(readFileSync(join(inst.dir, '.env'), 'utf8'), /^PROJECT_VERSION=99\.0\.0$/m);
  assert.equal(runBin(inst, ['integrity']).code, 0, 'binary and shipped files intact after interrupted upgrades');
  allBackupsRestore(inst);
  const leftovers = readdirSync(inst.dir).filter((n) => /\.(rotate|upgrade)-new$|^\.restore-/.test(n));
  assert.deepEqual(leftovers, []);
});

test('an upgrade package signed by another key is refused; dry-run changes nothing', async () => {
  const inst = await readyInstall();
  const foreignKey = join(scratch, 'foreign.pem');
  sh('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', foreignKey]);
  const pkg = join(scratch, 'foreign.tar.gz');
  const rel = spawnSync(NODE, ['scripts/release-package.ts', '--version', '98.0.0', '--key', foreignKey, '--development', '--out', pkg], { encoding: 'utf8' });
  assert.equal(rel.status, 0, rel.stderr);
  const r = runBin(inst, ['upgrade', '--file', pkg, '--dry-run']);
  assert.equal(r.code, 1);
  assert.match(r.out, /signature does not verify with the release key/);
  assert.ok(existsSync(join(DIST, 'manifest.json')) && existsSync(BIN));
});
