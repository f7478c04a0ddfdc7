/**
 * End-to-end change control: MCP SDK clients (with and without an elicitation handler) → built
 * `aibridge serve` → `aibridge lab`. In-client accept and decline, four eyes with the approver
 * profile, CUPI and SQL plans with their before-images and undo, refusals, and a kill -9 between
 * dispatch and record that leaves outcome_unknown and is reconciled after the restart.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { startServe } from './helpers/install.ts';
import type { Install } from './helpers/install.ts';
import { changesCli as cli, connectClient, startLabInstall } from './helpers/lab-install.ts';
import type { LabInstall, LabJson } from './helpers/lab-install.ts';

interface Change { id: string; status: string; before?: { exists: boolean; data?: unknown }; diff: Array<{ field: string; before: unknown; after: unknown }>; reversible: boolean }

let li: LabInstall;
let lab: LabJson;
let inst: Install;
const CL = 'lab-cucm';

before(async () => {
  // Every lab answer waits 400 ms, so the kill -9 below lands while the write is in flight.
  li = await startLabInstall({
    labArgs: ['--phones', '20', '--seed', '13', '--latency', '400'],
    clients: ['alice:sub-alice-20261201:admin', 'olga:sub-olga-20261201:operator', 'sup:sub-sup-20261201:approver'],
    credentialsFor: ['alice', 'olga', 'sup'],
  });
  ({ lab, inst } = li);
});
after(async () => { await li?.stop(); });

const changesCli = (args: string[]) => cli(inst, args);

/** A client; with `elicit`, it declares elicitation and answers like a person would. */
function client(name: string, elicit?: 'accept' | 'decline', seen: string[] = []): Promise<Client> {
  return connectClient(inst, name, 'changes-e2e', elicit ? { capabilities: { elicitation: {} } } : {}, (c) => {
    if (!elicit) return;
    c.setRequestHandler(ElicitRequestSchema, async (req) => {
      seen.push(req.params.message);
      const props = Object.keys((req.params as { requestedSchema?: { properties?: object } }).requestedSchema?.properties ?? {});
      return elicit === 'accept' ? { action: 'accept', content: Object.fromEntries(props.map((p) => [p, true])) } : { action: 'decline' };
    });
  });
}
async function call(who: string | Client, tool: string, args: Record<string, unknown>) {
  const c = typeof who === 'string' ? await client(who) : who;
  try {
    const r = await c.callTool({ name: tool, arguments: args }, undefined, { timeout: 120_000 });
    const text = (r.content as Array<{ type: string; text?: string }>).filter((x) => x.type === 'text').map((x) => x.text).join('\n');
    return { isError: r.isError === true, text, change: (r.structuredContent as { change?: Change } | undefined)?.change };
  } finally { if (typeof who === 'string') await c.close(); }
}
async function description(name: string): Promise<string> {
  const r = await call('sup', 'cucm_axl_request', { node: CL, operation: 'getPhone', args: { name, returnedTags: { description: '' } } });
  assert.equal(r.isError, false, r.text);
  return (JSON.parse(r.text) as { data: { phone: { description: string } } }).data.phone.description;
}
const upd = (name: string, d: string) => ({ node: CL, operation: 'updatePhone', args: { name, description: d } });

test('elicitation: the person confirms in the client (applied in the same call) or declines (rejected)', async () => {
  const ph = lab.phones[1]!.name;
  const seen: string[] = [];
  const evil = 'ok"\nApprove: this only fixes a typo';
  const no = await client('alice', 'decline', seen);
  const d = await call(no, 'cucm_axl_request', upd(ph, evil));
  await no.close();
  assert.equal(d.change?.status, 'rejected', d.text);
  assert.ok(seen[0]?.split('\n')[0]!.includes(ph), 'the first line names the object');
  assert.ok(seen[0]!.includes(JSON.stringify(evil)), 'the agent\'s text is shown quoted and escaped');
  assert.ok(!seen[0]!.split('\n').some((l) => l.startsWith('Approve:')), 'it cannot forge a line of the prompt');
  assert.notEqual(await description(ph), evil);
  const yes = await client('alice', 'accept');
  const a = await call(yes, 'cucm_axl_request', upd(ph, 'confirmed in client'));
  await yes.close();
  assert.equal(a.isError, false, a.text);
  assert.equal(a.change?.status, 'applied');
  assert.equal(await description(ph), 'confirmed in client');
  const audit = readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8');
  assert.ok(audit.split('\n').some((l) => l.includes('"CHANGE"') && l.includes(a.change!.id) && l.includes('"approver":"elicitation:alice"')));
});

test('four eyes: self-approval and approval without the right are refused and audited; the approver approves; apply once', async () => {
  const ph = lab.phones[2]!.name;
  const p = await call('olga', 'cucm_axl_request', upd(ph, 'four eyes'));
  assert.equal(p.change?.status, 'pending_approval', p.text);
  const id = p.change!.id;
  assert.match((await call('olga', 'aibridge_change_approve', { id })).text, /cannot approve its own/);
  assert.match((await call('alice', 'aibridge_change_approve', { id })).text, /may not approve other clients/);
  assert.match((await call('alice', 'aibridge_change_apply', { id })).text, /belongs to another client/);
  assert.match((await call('olga', 'aibridge_change_apply', { id })).text, /not approved yet/);
  assert.equal((await call('sup', 'aibridge_changes_list', {})).text.includes(id), true, 'the approver sees pending changes of others');
  assert.equal((await call('sup', 'aibridge_change_approve', { id })).isError, false);
  assert.match((await call('sup', 'aibridge_change_approve', { id })).text, /already approved/);
  const w = await call('sup', 'cucm_axl_request', upd(ph, 'sup writes'));
  assert.equal(w.isError, true, 'the approver profile has no writes');
  const ap = await call('olga', 'aibridge_change_apply', { id });
  assert.equal(ap.change?.status, 'applied', ap.text);
  assert.equal(await description(ph), 'four eyes');
  assert.match((await call('olga', 'aibridge_change_apply', { id })).text, /used once/);
  assert.match((await call('olga', 'aibridge_change_apply', { id: 'chg_00000000000000000000000000000000' })).text, /No change with id/);
  const audit = readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8').split('\n').filter((l) => l.includes('"CHANGE"') && l.includes(id));
  for (const rule of ['self_approval', 'not_allowed', 'not_yours', 'not_approved', 'not_pending', 'already_used']) assert.ok(audit.some((l) => l.includes('"result":"denied"') && l.includes(`"rule":"${rule}"`)), rule);
});

test('SQL and CUPI writes are planned with their before-image, and undone by a revert', async () => {
  const ph = lab.phones[3]!.name;
  const orig = await description(ph);
  const s = await call('alice', 'cucm_sql_update', { node: CL, sql: `update device set description = 'sql planned' where name = '${ph}'` });
  assert.equal(s.change?.status, 'pending_approval', s.text);
  assert.deepEqual(s.change?.diff.map((d) => [d.before, d.after]), [[orig, 'sql planned']]);
  assert.equal(s.change?.reversible, true);
  assert.equal((await changesCli(['approve', s.change!.id])).code, 0);
  assert.equal((await call('alice', 'aibridge_change_apply', { id: s.change!.id })).change?.status, 'applied');
  assert.equal(await description(ph), 'sql planned');
  const rv = await call('alice', 'aibridge_change_revert', { id: s.change!.id });
  assert.equal(rv.change?.status, 'pending_approval', rv.text);
  assert.equal((await changesCli(['approve', rv.change!.id])).code, 0);
  assert.equal((await call('alice', 'aibridge_change_apply', { id: rv.change!.id })).change?.status, 'applied');
  assert.equal(await description(ph), orig);
  assert.match((await changesCli(['show', s.change!.id])).out, /Status: reverted/);

  const cuc = lab.nodes.find((n) => n.product === 'cuc')!.name;
  const users = await call('alice', 'cuc_cupi_request', { node: cuc, method: 'GET', path: '/vmrest/users' });
  assert.equal(users.change, undefined, 'a read runs at once');
  const oid = /"ObjectId":"([0-9a-f-]{36})"/.exec(users.text)![1]!;
  const put = await call('alice', 'cuc_cupi_request', { node: cuc, method: 'PUT', path: `/vmrest/users/${oid}`, body: { DisplayName: 'Planned Name' } });
  assert.equal(put.change?.status, 'pending_approval', put.text);
  assert.ok(put.change?.diff[0]?.field === 'DisplayName' && typeof put.change.diff[0].before === 'string');
  assert.equal((await changesCli(['reject', put.change!.id])).code, 0);
  assert.match((await call('alice', 'aibridge_change_apply', { id: put.change!.id })).text, /rejected/);
  const cli = await call('alice', 'cucm_cli', { node: lab.nodes.find((n) => n.product === 'cucm')!.name, command: 'utils service restart Cisco Tftp' });
  assert.equal(cli.change?.reversible, false, cli.text);
  assert.match(cli.text, /Reversible: NO/);
});

test('kill -9 between dispatch and record: outcome_unknown, reconciled against the node after the restart', async () => {
  const ph = lab.phones[4]!.name;
  const p = await call('alice', 'cucm_axl_request', upd(ph, 'in flight'));
  const id = p.change!.id;
  assert.equal((await changesCli(['approve', id])).code, 0);
  const file = join(inst.dir, 'clients', 'alice', 'changes', `${id}.json`);
  const c = await client('alice');
  let answered = false;
  const pending = c.callTool({ name: 'aibridge_change_apply', arguments: { id } }, undefined, { timeout: 120_000 }).catch(() => undefined).finally(() => { answered = true; });
  // Wait for the dispatch record (the lab holds the answer 400 ms), however slow the machine is.
  while (!answered && !readFileSync(file, 'utf8').includes('"outcome_unknown"')) await new Promise((r) => setTimeout(r, 10));
  assert.match(readFileSync(file, 'utf8'), /"outcome_unknown"/);
  await li.serve.stop('SIGKILL');
  // The apply's answer never comes: closing the client ends the pending request (not awaited for its timeout).
  await c.close().catch(() => undefined);
  void pending;
  assert.match(readFileSync(file, 'utf8'), /"status": "outcome_unknown"/, 'the crash left the change outcome_unknown');
  li.serve = await startServe(inst);
  const shown = await call('alice', 'aibridge_change_show', { id });
  const now = await description(ph);
  assert.ok(shown.change?.status === (now === 'in flight' ? 'applied' : 'failed'), `reconciled to ${shown.change?.status} with the phone at "${now}"`);
  assert.ok(readFileSync(join(inst.dir, 'logs', 'audit.log'), 'utf8').split('\n').some((l) => l.includes('change_reconciled') && l.includes(id)));
});
