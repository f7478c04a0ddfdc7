import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDataset } from './dataset.ts';
import { runCliCommand } from './ssh/cli-commands.ts';
import { CliShell, PAGER_PROMPT, PROMPT } from './ssh/cli-shell.ts';
import type { CliContext } from './ssh/cli-platform.ts';
import type { LabNode } from './lab-node.ts';

const data = buildDataset({ seed: 8, phones: 40, version: '14.0', cucmNodes: ['cucm-pub', 'cucm-sub1'], credentials: { username: 'admin', password: 'pw', phoneUser: 'pu', phonePassword: 'pp' } });
const nodeOf = (name: string, product: LabNode['product'], host: string): LabNode => ({ name, product, cluster: `lab-${product}`, role: 'publisher', host, httpsPort: 1, sshPort: 2, sshHostKeySha256: '' });
const nodes = [nodeOf('cucm-pub', 'cucm', '127.0.0.11'), nodeOf('imp-pub', 'imp', '127.0.0.21'), nodeOf('cuc-pub', 'cuc', '127.0.0.31')];
const ctx = (i: number): CliContext => ({ node: nodes[i]!, data, allNodes: nodes, startedAt: new Date() });
const run = (i: number, line: string): { text: string; ok: boolean } => { const r = runCliCommand(ctx(i), line, { pagination: false }); return { text: r.lines.join('\n'), ok: r.ok }; };

test('runCliCommand() prints the platform formats of the captures', () => {
  assert.match(run(0, 'show version active').text, /^Active Master Version: 14\.0\.1\.13900-155$/m);
  assert.match(run(0, 'show status').text, /^Host Name {10}: cucm-pub$/m);
  assert.match(run(0, 'show network eth0').text, /^IP Address {3}: 127\.0\.0\.11 /m);
  assert.match(run(0, 'utils ntp status').text, /^synchronised to NTP server \(127\.0\.0\.1\) at stratum 2$/m);
  assert.match(run(0, 'utils service list').text, /^Requesting service status, please wait\.\.\.$/m);
  assert.match(run(0, 'utils dbreplication runtimestate').text, /\(2\) Setup Completed$/m);
  assert.match(run(0, 'file list activelog platform/log detail').text, /dir count = 0, file count = 3/);
  assert.match(run(0, 'show risdb query phone').text, /^SEP[0-9A-F]{12},/m);
});

test('utils service start|stop|restart: states as the CLI prints them; unknown, inactive and failing services fail the command', () => {
  const d = buildDataset({ seed: 8, phones: 4, version: '14.0', cucmNodes: ['cucm-pub', 'cucm-sub1'], credentials: { username: 'admin', password: 'pw', phoneUser: 'pu', phonePassword: 'pp' }, noStartServices: ['Cisco DirSync'] });
  const sub: LabNode = { ...nodeOf('cucm-sub1', 'cucm', '127.0.0.12'), role: 'subscriber' };
  const c = (n: LabNode, line: string) => runCliCommand({ node: n, data: d, allNodes: [n], startedAt: new Date() }, line, { pagination: false });
  const pub = nodes[0]!;
  const stop = c(pub, 'utils service stop Cisco Tftp');
  assert.equal(stop.ok, true);
  assert.match(stop.lines[0]!, /^Do not press Ctrl\+C while the service is stopping\./);
  assert.equal(c(pub, 'utils service stop Cisco Tftp').lines.slice(1).join('|'), 'Cisco Tftp[STOPPED]  Commanded Out of Service|', 'stopping a stopped service says so');
  assert.equal(c(pub, 'utils service start Cisco Tftp').lines.slice(1).join('|'), 'Cisco Tftp[STARTING]|Cisco Tftp[STARTED]|');
  assert.equal(c(pub, 'utils service start Cisco Tftp').lines.slice(1).join('|'), 'Cisco Tftp[STARTED]|', 'starting a running service changes nothing');
  assert.equal(c(pub, 'utils service restart Cisco Tftp').lines.slice(1).join('|'), 'Cisco Tftp[STOPPING]|Cisco Tftp[STOPPED]  Commanded Out of Service|Cisco Tftp[STARTING]|Cisco Tftp[STARTED]|');
  // The fault service:nostart: accepted, never comes up.
  const bad = c(pub, 'utils service restart Cisco DirSync');
  assert.deepEqual([bad.ok, bad.lines.slice(-2)], [false, ['Cisco DirSync[NOTRUNNING]', 'Executed command unsuccessfully']]);
  assert.equal(d.services.get('cucm-pub', 'Cisco DirSync')?.status, 'Stopped');
  // DRF Master is activated on the publisher only.
  assert.deepEqual(c(sub, 'utils service start Cisco DRF Master'), { lines: ['Cisco DRF Master[STOPPED]  Service Not Activated', 'Executed command unsuccessfully'], ok: false });
  const unknown = c(pub, 'utils service stop Cisco Nothing');
  assert.equal(unknown.ok, false);
  assert.match(unknown.lines.join('\n'), /not found[\s\S]*Executed command unsuccessfully$/);
  assert.deepEqual(c(pub, 'utils service stop').lines.slice(0, 2), ['Syntax:', 'utils service stop serv']);
});

test('runCliCommand() runs SQL over the same data as AXL', () => {
  const r = run(0, "run sql select name from typeclass where enum = 1");
  assert.equal(r.text, 'name\n=====\nPhone');
  assert.match(run(0, 'run sql selec').text, /^-201: A syntax error has occurred\.\nExecuted command unsuccessfully$/);
});

test('runCliCommand() knows per-product commands and refuses the rest', () => {
  assert.match(run(1, 'utils ha status').text, /Subcluster Name/);
  assert.match(run(2, 'show cuc version').text, /^Active version: /m);
  assert.deepEqual(run(0, 'show cuc version'), { text: 'Invalid command: show cuc version\nExecuted command unsuccessfully', ok: false });
  assert.deepEqual(run(0, 'frobnicate'), { text: 'Executed command unsuccessfully\nNo valid command entered', ok: false });
  assert.match(run(0, 'show version?').text, /^Syntax:\nshow version active/);
});

test('CliShell pages long output with the VOS pager and honours set cli pagination off', async () => {
  let out = '';
  const shell = new CliShell(ctx(0), { write: (t) => { out += t; }, close: () => undefined, delay: async () => undefined }, 10);
  shell.start();
  assert.ok(out.endsWith(`\r\n${PROMPT}`));
  shell.input('show hardware\r');
  await new Promise((r) => setImmediate(r));
  assert.ok(out.endsWith(PAGER_PROMPT));
  shell.input('q');
  assert.ok(out.endsWith(`\r\n${PROMPT}`));
  shell.input('set cli pagination off\r');
  await new Promise((r) => setImmediate(r));
  out = '';
  shell.input('show hardware\r');
  await new Promise((r) => setImmediate(r));
  assert.ok(!out.includes('Press <enter>'));
  assert.ok(out.endsWith(PROMPT));
});

test('CliShell keeps keys typed while a command runs (type-ahead)', async () => {
  let out = '';
  const shell = new CliShell(ctx(0), { write: (t) => { out += t; }, close: () => undefined, delay: async () => undefined }, 50);
  shell.start();
  shell.input('show date\rshow version active\r');
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.match(out, /Active Master Version/);
});
