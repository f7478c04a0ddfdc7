/**
 * End-to-end: the built `dist/aibridge lab` against independent clients: every AXL answer is
 * checked with libxml2's `xmllint --schema` against Cisco's AXLSoap.xsd (../shared/cisco copy, not
 * the one embedded in the binary), OpenSSH drives the CLI through its pager, and SIGTERM stops it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { axl, node, soapBodyContent } from '../src/lab/testing/lab-requests.ts';
import type { HttpAnswer } from '../src/lab/testing/lab-requests.ts';
import type { LabDescription } from '../src/lab/lab-files.ts';
import { sharedPath } from '../src/lib/testdata/shared-dir.ts';

const BIN = resolve(process.env.AIBRIDGE_BIN ?? 'dist/aibridge');
const SHARED_XSD = (v: string): string => sharedPath('cisco', 'axl', v, 'AXLSoap.xsd');

function requireTools(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first (npm test does)`);
  if (spawnSync('xmllint', ['--version']).status !== 0) throw new Error('xmllint is missing: install Debian package libxml2-utils (apt-get install libxml2-utils)');
  if (!existsSync(SHARED_XSD('14.0'))) throw new Error(`${SHARED_XSD('14.0')} is missing: the tests read Cisco's schema from ../shared/cisco`);
}

async function startBinaryLab(args: string[]): Promise<{ child: ChildProcess; dir: string; d: LabDescription; out: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-lab-e2e-'));
  const child = spawn(BIN, ['lab', '--dir', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  for (let i = 0; i < 240; i++) {
    if (existsSync(join(dir, 'lab.json')) && existsSync(join(dir, 'lab.env'))) {
      return { child, dir, d: JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as LabDescription, out: () => out };
    }
    if (child.exitCode !== null) throw new Error(`aibridge lab exited early: ${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`no lab.json within 60 s: ${out}`);
}

function stopWithin(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolveStop, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`lab did not stop within ${ms} ms of SIGTERM`)); }, ms);
    child.once('exit', (code) => { clearTimeout(timer); resolveStop(code); });
    child.kill('SIGTERM');
  });
}

/** Validate answer bodies with xmllint; returns xmllint's output when something fails. */
function xmllint(version: string, docs: string[]): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'axl-docs-'));
  const files = docs.map((doc, i) => { const f = join(dir, `r${i}.xml`); writeFileSync(f, doc); return f; });
  const r = spawnSync('xmllint', ['--noout', '--schema', SHARED_XSD(version), ...files], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('aibridge lab (built binary)', () => {
  let lab: Awaited<ReturnType<typeof startBinaryLab>>;
  const answers: HttpAnswer[] = [];
  const call = async (op: string, inner: string): Promise<HttpAnswer> => { const a = await axl(lab.d, op, inner); answers.push(a); return a; };

  before(async () => {
    requireTools();
    lab = await startBinaryLab(['--phones', '300', '--seed', '9']);
  });
  after(async () => { if (lab && lab.child.exitCode === null) lab.child.kill('SIGKILL'); if (lab) rmSync(lab.dir, { recursive: true, force: true }); });

  test('every AXL answer and fault validates against Cisco\'s AXLSoap.xsd', async () => {
    const p = lab.d.phones[0]!;
    await call('getCCMVersion', '');
    await call('getPhone', `<name>${p.name}</name>`);
    await call('listPhone', '<searchCriteria><name>SEP%</name></searchCriteria><returnedTags><name/><description/><model/><devicePoolName/></returnedTags><first>50</first>');
    await call('getUser', `<userid>${p.owner}</userid>`);
    await call('listUser', '<searchCriteria><lastName>%</lastName></searchCriteria><returnedTags><firstName/><lastName/><userid/></returnedTags><first>20</first>');
    await call('listLine', '<searchCriteria><pattern>1%</pattern></searchCriteria><returnedTags><pattern/><description/><routePartitionName/></returnedTags><first>20</first>');
    for (const [op, key] of [['getDevicePool', 'DP-HQ'], ['getCss', 'CSS-HQ-National'], ['getRoutePartition', 'PT-Internal'], ['getSipTrunk', 'SIP-CUC']]) await call(op!, `<name>${key}</name>`);
    for (const [op, tags] of [['listDevicePool', '<name/>'], ['listCss', '<description/><name/>'], ['listRoutePartition', '<name/><description/>'], ['listSipTrunk', '<name/>']]) {
      await call(op!, `<searchCriteria><name>%</name></searchCriteria><returnedTags>${tags}</returnedTags>`);
    }
    await call('getRoutePattern', '<pattern>911</pattern><routePartitionName>PT-Emergency</routePartitionName><dialPlanName/><routeFilterName/>');
    await call('listRoutePattern', '<searchCriteria><pattern>%</pattern></searchCriteria><returnedTags><pattern/><routePartitionName/><blockEnable/></returnedTags>');
    assert.equal((await call('addRoutePartition', '<routePartition><name>PT-E2E</name><description>e2e &amp; &lt;test&gt;</description></routePartition>')).status, 200);
    assert.equal((await call('updateRoutePartition', '<name>PT-E2E</name><description>changed</description>')).status, 200);
    await call('getRoutePartition', '<name>PT-E2E</name>');
    assert.equal((await call('removeRoutePartition', '<name>PT-E2E</name>')).status, 200);
    await call('executeSQLQuery', '<sql>select first 5 d.name, n.dnorpattern from device d, devicenumplanmap m, numplan n where m.fkdevice = d.pkid and m.fknumplan = n.pkid</sql>');
    await call('executeSQLUpdate', `<sql>update device set description = 'e2e' where name = '${p.name}'</sql>`);
    await call('getPhone', '<name>SEPFFFFFFFFFFFF</name>');
    await call('executeSQLQuery', '<sql>select nope from device</sql>');
    const bodies = answers.filter((a) => a.status === 200).map((a) => soapBodyContent(a.text));
    const faults = answers.filter((a) => a.status === 500).map((a) => /<ns2:axlError[\s\S]*<\/ns2:axlError>/.exec(a.text)![0]);
    assert.equal(faults.length, 2, answers.filter((a) => a.status !== 200).map((a) => /<faultstring>(.*?)<\/faultstring>/.exec(a.text)?.[1]).join('\n'));
    const r = xmllint(lab.d.version, [...bodies, ...faults]);
    assert.ok(r.ok, r.output);
  });

  test('OpenSSH logs in with the reported host key, shows admin: and pages long output', async () => {
    const pub = node(lab.d, 'cucm-pub');
    const scratch = mkdtempSync(join(tmpdir(), 'lab-ssh-'));
    const askpass = join(scratch, 'askpass');
    writeFileSync(askpass, `#!/bin/sh\necho '${pub.password}'\n`);
    chmodSync(askpass, 0o700);
    const known = join(scratch, 'known_hosts');
    const script = "sleep 2; printf 'show risdb query phone\\n'; sleep 1; printf ' '; sleep 1; printf 'q'; sleep 1; printf 'exit\\n'; sleep 1";
    const r = spawnSync('sh', ['-c', `(${script}) | ssh -tt -p ${pub.ssh_port} -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${known} -o PubkeyAuthentication=no ${pub.username}@${pub.host}`], {
      encoding: 'utf8', timeout: 30_000, env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'x' },
    });
    const fp = spawnSync('ssh-keygen', ['-lf', known], { encoding: 'utf8' }).stdout;
    rmSync(scratch, { recursive: true, force: true });
    const out = `${r.stdout}${r.stderr}`;
    assert.match(out, /Welcome to the Platform Command Line Interface/);
    assert.match(out, /admin:show risdb query phone/);
    assert.ok(out.includes('\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K'), out);
    assert.ok(fp.includes(pub.ssh_host_key_sha256), `${fp} vs ${pub.ssh_host_key_sha256}`);
  });

  test('stops with exit code 0 within 10 s of SIGTERM', async () => {
    assert.equal(await stopWithin(lab.child, 10_000), 0);
    assert.match(lab.out(), /lab stopped/);
  });
});

test('aibridge lab --version 12.5 answers in the 12.5 namespace, valid against the 12.5 schema', async () => {
  requireTools();
  const lab = await startBinaryLab(['--phones', '20', '--seed', '4', '--version', '12.5']);
  try {
    const a = await axl(lab.d, 'listPhone', '<searchCriteria><name>%</name></searchCriteria><returnedTags><name/><product/><ownerUserName/></returnedTags>');
    assert.match(a.text, /xmlns:ns="http:\/\/www\.cisco\.com\/AXL\/API\/12\.5"/);
    const g = await axl(lab.d, 'getPhone', `<name>${lab.d.phones[0]!.name}</name>`);
    const r = xmllint('12.5', [soapBodyContent(a.text), soapBodyContent(g.text)]);
    assert.ok(r.ok, r.output);
    assert.equal((await axl(lab.d, 'getCCMVersion', '', { version: '14.0' })).status, 500);
  } finally {
    await stopWithin(lab.child, 10_000);
    rmSync(lab.dir, { recursive: true, force: true });
  }
});

test('aibridge lab --help documents the fault syntax; bad flags exit 2', () => {
  requireTools();
  const help = spawnSync(BIN, ['lab', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /axl:throttle/);
  const bad = spawnSync(BIN, ['lab', '--faults', 'bogus:1', '--dir', tmpdir()], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Invalid --faults item "bogus:1"/);
});
