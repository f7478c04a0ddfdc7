/**
 * cucm_service_control through change control against the lab: the plan's before-image is the
 * Control Center status; a stale plan is refused; apply is verified by reading the status back
 * (a service that does not reach the state fails the change); Start and Stop undo each other; a
 * Restart cannot be undone; the operator may not touch the critical services; a node that goes
 * down during apply leaves outcome_unknown, reconciled once it is back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { z } from 'zod';
import type { RunningLab } from '../../lab/start-lab.ts';
import type { Principal } from '../../auth/principal.ts';
import { parseProfile } from '../../rbac/parse-profile.ts';
import type { Profile } from '../../rbac/profile-schema.ts';
import { decide } from '../../rbac/decide.ts';
import { ChangeStore } from '../../changes/change-store.ts';
import { ChangeRefused } from '../../changes/change-machine.ts';
import { ChangeControl } from '../changes/change-control.ts';
import type { ToolContext, ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { startLabTools } from './testing/lab-tools-harness.ts';

/**
 * A TCP forwarder in front of one lab node, so a test can take the node off the network: `down`
 * cuts every connection and refuses new ones; `loseNextAnswer` lets the next request through to
 * the node but swallows the node's answer and cuts the connection once the node has answered.
 * It tells the request from the handshake by TLS record type: under TLS 1.3 the client's first
 * application_data record is its Finished, the second carries the HTTP request.
 */
class NodeLink {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #mode: 'up' | 'down' | 'lose-answer' = 'up';
  readonly host: string;
  port = 0;

  constructor(host: string, target: number) {
    this.host = host;
    this.#server = createServer((client) => {
      if (this.#mode === 'down') { client.destroy(); return; }
      const upstream = connect({ host, port: target });
      for (const s of [client, upstream]) { this.#sockets.add(s); s.on('close', () => this.#sockets.delete(s)); s.on('error', () => undefined); }
      let pending = Buffer.alloc(0);
      let appRecords = 0;
      let swallowing = false;
      client.on('data', (d: Buffer) => {
        pending = Buffer.concat([pending, d]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
          if (pending[0] === 0x17) appRecords++;
          pending = pending.subarray(5 + pending.readUInt16BE(3));
        }
        if (this.#mode === 'lose-answer' && appRecords >= 2) swallowing = true;
        upstream.write(d);
      });
      client.on('end', () => upstream.end());
      upstream.on('data', (d: Buffer) => { if (!swallowing) client.write(d); });
      upstream.on('end', () => {
        // The node did the work and answered; the answer never arrives and the link is gone.
        if (swallowing) { this.down(); return; }
        client.end();
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, this.host, r));
    this.port = (this.#server.address() as { port: number }).port;
  }

  /** Every connection cut, new ones refused at once. */
  down(): void {
    this.#mode = 'down';
    for (const s of this.#sockets) s.destroy();
  }

  loseNextAnswer(): void { this.#mode = 'lose-answer'; }
  up(): void { this.#mode = 'up'; }
  close(): Promise<void> { this.down(); return new Promise((r) => this.#server.close(() => r())); }
}

let lab: RunningLab;
let services: CiscoServices;
let tools: Map<string, ToolDefinition>;
let link: NodeLink;
let cc: ChangeControl;
const audit: Array<{ event: string; fields: Record<string, unknown> }> = [];
const NOSTART = 'Cisco Extended Functions';

function profile(name: string): Profile {
  const r = parseProfile(readFileSync(`profiles/_default/${name}.json`, 'utf8'), name, true);
  assert.ok(r.ok);
  return r.profile;
}
const profiles: Record<string, Profile> = { admin: profile('admin'), operator: profile('operator'), approver: profile('approver') };

const principal = (clientName: string, p: string): Principal => ({ clientName, subject: `sub-${clientName}`, profile: p, authMethod: 'jwt', tokenId: 'j', expiresAt: 0 });
const alice = principal('alice', 'admin');
const ctx: ToolContext = { principal: alice, signal: new AbortController().signal, progress: async () => undefined };
const carol = principal('carol', 'approver');

before(async () => {
  const harness = await startLabTools({
    seed: 11, phones: 20, faults: `service:nostart:${NOSTART}`, prefix: 'svcctl',
    editEnv: async (labEnv, started) => {
      const sub = started.description.nodes.find((n) => n.name === 'cucm-sub1')!;
      link = new NodeLink(sub.host, sub.https_port);
      await link.listen();
      // cucm-sub1 is reached through the link (same address, so its certificate still matches).
      const env = labEnv.replace(new RegExp(`cucm-sub1:${sub.https_port}:`), `cucm-sub1:${link.port}:`);
      assert.match(env, new RegExp(`cucm-sub1:${link.port}:`));
      return env;
    },
  });
  ({ lab, services, tools } = harness);
  const { config } = harness;
  cc = new ChangeControl({
    store: new ChangeStore(config.paths.clientsDir), ttlMs: 600_000, tools,
    audit: { append: (_c, event, fields) => { audit.push({ event, fields }); } },
    profileOf: (p) => profiles[p.profile],
  });
});
// The services close before the link that carries their connections, and the lab last.
after(async () => { services.close(); await link.close(); await lab.close(); });

const tool = (): ToolDefinition => tools.get('cucm_service_control')!;
const status = (node: string, name: string) => lab.data.services.get(node, name)!;
type View = { id: string; status: string; before?: { data: Record<string, { status: string; start_time: string }> }; after?: { data: Record<string, { status: string }> }; diff: Array<{ field: string; before: string; after: string }>; reversible: boolean; irreversible_reason?: string; reason?: string };
const view = (r: { structuredContent?: unknown }): View => (r.structuredContent as { change: View }).change;

/** Plan as alice (her client cannot confirm in place), approve as carol (approver profile). */
async function plan(args: Record<string, unknown>): Promise<View> {
  const t = tool();
  const a = z.object(t.inputSchema).parse(args) as Record<string, unknown>;
  const r = await cc.intercept(t, a, t.target(a as never), ctx);
  assert.ok(r, 'a service control is never run without a plan');
  return view(r);
}
async function planApproveApply(args: Record<string, unknown>): Promise<{ planned: View; applied: View; isError: boolean }> {
  const planned = await plan(args);
  cc.decideByClient(carol, planned.id, 'approve');
  const r = await cc.apply(planned.id, ctx);
  return { planned, applied: view(r), isError: r.isError === true };
}

test('the plan holds each service\'s status as the before-image and the change as a diff; nothing runs before approval', async () => {
  const p = await plan({ node: 'cucm-pub', services: ['cisco tftp', 'Cisco Dialed Number Analyzer'], action: 'Stop' });
  assert.equal(p.status, 'pending_approval');
  assert.deepEqual(Object.keys(p.before!.data), ['Cisco Tftp', 'Cisco Dialed Number Analyzer'], 'names as the node spells them');
  for (const v of Object.values(p.before!.data)) { assert.equal(v.status, 'Started'); assert.match(v.start_time, /\d{2}:\d{2}:\d{2} \d{4}$/); }
  assert.deepEqual(p.diff.map((d) => [d.field, d.before, d.after]), [['Cisco Tftp', 'Started', 'Stopped'], ['Cisco Dialed Number Analyzer', 'Started', 'Stopped']]);
  assert.equal(p.reversible, true);
  assert.equal(status('cucm-pub', 'Cisco Tftp').status, 'Started', 'planning stopped nothing');
  assert.ok(audit.some((a) => a.event === 'change_planned' && a.fields.change_id === p.id));
  // A service the node does not have, or one not activated there, cannot be planned.
  await assert.rejects(plan({ node: 'cucm-pub', services: ['Cisco Nonexistent Service'], action: 'Start' }), /has no service/);
  await assert.rejects(plan({ node: 'cucm-sub1', services: ['Cisco DRF Master'], action: 'Start' }), /not activated/);
});

test('Stop is applied, verified by reading the status back, and undone by a Start (itself a change)', async () => {
  const { applied, isError } = await planApproveApply({ node: 'cucm-pub', services: ['Cisco Tftp'], action: 'Stop' });
  assert.equal(isError, false, applied.reason ?? '');
  assert.equal(applied.status, 'applied');
  assert.equal(applied.after!.data['Cisco Tftp']!.status, 'Stopped', 'the after-image is the status read back');
  assert.equal(status('cucm-pub', 'Cisco Tftp').status, 'Stopped');
  const undo = await cc.revert(applied.id, ctx);
  const back = view(undo);
  assert.equal(back.status, 'pending_approval', 'the undo is a new plan, approved like any change');
  assert.deepEqual(back.diff.map((d) => [d.field, d.before, d.after]), [['Cisco Tftp', 'Stopped', 'Started']]);
  cc.decideByClient(carol, back.id, 'approve');
  const r = await cc.apply(back.id, ctx);
  assert.equal(view(r).status, 'applied');
  assert.equal(status('cucm-pub', 'Cisco Tftp').status, 'Started');
  assert.equal(cc.store.get(applied.id).status, 'reverted');
  // And a Start undoes to a Stop.
  const stopped = await planApproveApply({ node: 'cucm-pub', services: ['Cisco Dialed Number Analyzer'], action: 'Stop' });
  const started = (await cc.revert(stopped.applied.id, ctx));
  cc.decideByClient(carol, view(started).id, 'approve');
  await cc.apply(view(started).id, ctx);
  const again = await cc.revert(view(started).id, ctx);
  assert.equal((cc.store.get(view(again).id).request as { action: string }).action, 'Stop');
});

test('a plan is refused as stale when the service changed on the node after planning; nothing is sent', async () => {
  const p = await plan({ node: 'cucm-pub', services: ['Cisco Bulk Provisioning Service'], action: 'Stop' });
  cc.decideByClient(carol, p.id, 'approve');
  // Someone restarts it from Cisco Unified Serviceability meanwhile: its start time moves.
  assert.equal(lab.data.services.control('cucm-pub', 'Cisco Bulk Provisioning Service', 'Restart', Date.now()), undefined);
  await assert.rejects(cc.apply(p.id, ctx), (e: unknown) => e instanceof ChangeRefused && e.rule === 'stale');
  assert.equal(cc.store.get(p.id).status, 'stale');
  assert.equal(status('cucm-pub', 'Cisco Bulk Provisioning Service').status, 'Started', 'the stale Stop was not sent');
  await assert.rejects(cc.apply(p.id, ctx), ChangeRefused, 'and the approval is spent');
});

test('a service that does not reach the state fails the change (it is not reported applied)', async () => {
  // The lab's fault: Start/Restart of this service are accepted, and it stays Stopped.
  const restart = await planApproveApply({ node: 'cucm-pub', services: [NOSTART], action: 'Restart' });
  assert.equal(restart.isError, true);
  assert.equal(restart.applied.status, 'failed');
  assert.match(restart.applied.reason ?? '', /accepted the request but status after Restart: "Cisco Extended Functions" Stopped/);
  assert.equal(restart.applied.after!.data[NOSTART]!.status, 'Stopped');
  const start = await planApproveApply({ node: 'cucm-pub', services: [NOSTART], action: 'Start' });
  assert.equal(start.applied.status, 'failed');
  assert.match(start.applied.reason ?? '', /status after Start: "Cisco Extended Functions" Stopped/);
  assert.ok(audit.some((a) => a.event === 'change_failed' && a.fields.change_id === start.applied.id));
});

test('a Restart is applied when the start time moves, and it cannot be undone', async () => {
  // A service untouched so far: started days ago, so the new start time differs even at one-second resolution.
  const was = status('cucm-pub', 'Cisco UXL Web Service').startedAt;
  const { planned, applied } = await planApproveApply({ node: 'cucm-pub', services: ['Cisco UXL Web Service'], action: 'Restart' });
  assert.equal(planned.reversible, false);
  assert.match(planned.irreversible_reason ?? '', /restart cannot be undone/);
  assert.equal(applied.status, 'applied', applied.reason ?? '');
  assert.ok(status('cucm-pub', 'Cisco UXL Web Service').startedAt > was);
  await assert.rejects(cc.revert(applied.id, ctx), (e: unknown) => e instanceof ChangeRefused);
});

test('the operator may restart the short list, never CallManager, CTIManager, A Cisco DB or Tomcat, and may not Stop', () => {
  const t = tool();
  const target = (args: Record<string, unknown>) => t.target(z.object(t.inputSchema).parse(args) as never);
  assert.equal(decide(profiles.operator!, t, target({ node: 'cucm-pub', services: ['Cisco Tftp'], action: 'Restart' })).allowed, true);
  for (const critical of ['Cisco CallManager', 'Cisco CTIManager', 'A Cisco DB', 'Cisco Tomcat', 'cisco callmanager', 'CISCO TOMCAT']) {
    const d = decide(profiles.operator!, t, target({ node: 'cucm-pub', services: ['Cisco Tftp', critical], action: 'Restart' }));
    assert.equal(d.allowed, false, critical);
    assert.equal(d.rule, 'cucm.serviceability.control.allowed_services');
  }
  assert.equal(decide(profiles.operator!, t, target({ node: 'cucm-pub', services: ['Cisco Tftp'], action: 'Stop' })).rule, 'cucm.serviceability.control.allowed_actions');
  assert.equal(decide(profiles.admin!, t, target({ node: 'cucm-pub', services: ['Cisco CallManager'], action: 'Stop' })).allowed, true);
});

test('the node goes down during apply: outcome unknown, reconciled from the node once it is back', async () => {
  const real = services.serviceability.controlServices.bind(services.serviceability);
  try {
    // 1. Down before the request reaches it: once back, the status is as before → failed, never applied.
    services.serviceability.controlServices = (...a) => { link.down(); return real(...a); };
    const one = await planApproveApply({ node: 'cucm-sub1', services: ['Cisco Tftp'], action: 'Stop' });
    assert.equal(one.isError, true);
    assert.equal(one.applied.status, 'outcome_unknown', one.applied.reason ?? '');
    assert.equal(status('cucm-sub1', 'Cisco Tftp').status, 'Started');
    link.up();
    const r1 = view(await cc.show(one.planned.id, ctx));
    assert.equal(r1.status, 'failed');
    assert.match(r1.reason ?? '', /never applied/);

    // 2. The node does the Stop, then the network goes before its answer arrives: once back, the
    //    read-back shows Stopped → applied.
    services.serviceability.controlServices = (...a) => { link.loseNextAnswer(); return real(...a); };
    const two = await planApproveApply({ node: 'cucm-sub1', services: ['Cisco Tftp'], action: 'Stop' });
    assert.equal(two.applied.status, 'outcome_unknown', two.applied.reason ?? '');
    assert.equal(status('cucm-sub1', 'Cisco Tftp').status, 'Stopped', 'the node did it');
    link.up();
    const r2 = view(await cc.show(two.planned.id, ctx));
    assert.equal(r2.status, 'applied');
    assert.equal(r2.after!.data['Cisco Tftp']!.status, 'Stopped');
    assert.ok(audit.some((a) => a.event === 'change_reconciled' && a.fields.change_id === two.planned.id));
  } finally {
    services.serviceability.controlServices = real;
    link.up();
  }
});
