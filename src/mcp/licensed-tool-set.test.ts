import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startHarness, auditRecords } from './testdata/mcp-harness.ts';
import type { ToolDefinition } from './tool-definition.ts';
import { LicenseWatchdog } from '../license/license-watchdog.ts';
import { checkInstalledLicense } from '../license/check-license.ts';
import { issueLicense } from '../license/sign-license.ts';
import type { LicenseRequest } from '../license/sign-license.ts';
import { trustAnchorOf } from '../license/trust-anchor.ts';
import { ensureInstallId } from '../license/install-id.ts';
import { createNullLogger } from '../log/logger.ts';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const anchor = trustAnchorOf(key.publicKey, 'development');
const DAY = 86_400_000;
const text = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;

function fake(name: string, product: 'imp' | 'cuc' | 'cucm', feature?: 'reports'): ToolDefinition {
  return {
    name, title: name, description: `fake ${name}`, product, protocol: 'report', rateCategory: 'common', ...(feature ? { feature } : {}),
    inputSchema: { node: z.string().max(20).default('x') }, annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    effect: 'read', outputSchema: { text: z.string() },
    target: (a) => ({ node: a.node as string, ...(a.node === 'imp-node' ? { product: 'imp' as const } : {}) }),
    async handler() { return { content: [{ type: 'text', text: `${name} ran` }], structuredContent: { text: `${name} ran` } }; },
  };
}

async function licensed() {
  const secretsDir = mkdtempSync(join(tmpdir(), 'lic-mcp-'));
  const installId = ensureInstallId(secretsDir);
  let now = Date.UTC(2026, 11, 1);
  const watchdog = new LicenseWatchdog({
    now: () => now, logger: createNullLogger(), audit: { append: () => undefined },
    check: (n) => checkInstalledLicense({ secretsDir, anchor, installId, clientCount: 2 }, n),
  });
  const install = async (req: Partial<LicenseRequest>): Promise<void> => {
    const { token } = await issueLicense({ customer: 'ACME', tier: 'enterprise', days: 10, now, ...req }, key.privateKey, key.publicKey, 'development');
    writeFileSync(join(secretsDir, 'license.jwt'), token, { mode: 0o600 });
  };
  return { watchdog, install, advance: (ms: number) => { now += ms; }, now: () => now };
}

test('the licence decides tools/list and calls; a change while running notifies sessions and changes the set', async () => {
  const lic = await licensed();
  await lic.install({ tier: 'essentials', days: 10, graceDays: 5 });
  await lic.watchdog.checkNow();
  const h = await startHarness({ license: lic.watchdog, now: lic.now });
  h.pipeline.tools.add([fake('imp_fake', 'imp'), fake('cuc_fake', 'cuc'), fake('cucm_fake_report', 'cucm', 'reports'), fake('cucm_fake_describe', 'cucm')]);
  const alice = await h.connect('alice');
  let changed = 0;
  alice.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
  const names = async (): Promise<string[]> => (await alice.listTools()).tools.map((t) => t.name).sort();
  const essentials = await names();
  assert.ok(essentials.includes('cucm_axl_request'));
  assert.ok(!essentials.includes('imp_fake') && !essentials.includes('cuc_fake'), 'a CUCM licence offers no IM&P or Unity tool');
  assert.ok(!essentials.includes('cucm_fake_report'), 'a tool of a feature the tier lacks is not offered');
  // A tool of an unlicensed product does not exist: -32602 naming the licence.
  await assert.rejects(alice.callTool({ name: 'imp_fake', arguments: {} }), /Unknown tool "imp_fake": it is not enabled on this server \(the essentials licence covers cucm, not this tool/);
  // A CUCM tool addressing an IM&P node is refused by the licence too.
  const cross = await alice.callTool({ name: 'cucm_axl_request', arguments: { node: 'cucm1', operation: 'getPhone' } });
  assert.equal(cross.isError, undefined);
  const viaImp = await alice.callTool({ name: 'cucm_fake_describe', arguments: { node: 'imp-node' } });
  assert.match(text(viaImp), /not imp/);
  const records = auditRecords(h).filter((r) => r.category === 'ACTIONS' && r.event === 'tool_call');
  assert.ok(records.some((r) => r.rule === 'unknown_tool' && /licence/.test(String(r.reason))), 'a call of an unlicensed tool is audited');
  assert.ok(records.some((r) => r.result === 'denied' && r.rule === 'license: product_not_licensed'), 'a licence denial is audited');

  // Grace: the same tools stay (sessions are still told: the state changed).
  lic.advance(11 * DAY);
  await lic.watchdog.tick();
  assert.equal(lic.watchdog.status.state, 'GRACE');
  assert.deepEqual(await names(), essentials);
  // Expired: only the introspection tools, whose answers explain the state.
  lic.advance(5 * DAY);
  await lic.watchdog.tick();
  assert.equal(lic.watchdog.status.state, 'EXPIRED');
  assert.deepEqual(await names(), ['aibridge_check_access', 'aibridge_whoami']);
  await assert.rejects(alice.callTool({ name: 'cucm_axl_request', arguments: { node: 'cucm1', operation: 'getPhone' } }),
    /Unknown tool "cucm_axl_request": it is not enabled on this server \(the licence is EXPIRED: the licence expired on .*only aibridge_whoami and aibridge_check_access work/);
  const who = JSON.parse(text(await alice.callTool({ name: 'aibridge_whoami', arguments: {} }))) as { license: Record<string, unknown>; tools: string[] };
  assert.equal(who.license.state, 'EXPIRED');
  assert.match(String(who.license.what_to_do), /license install/);
  assert.deepEqual(who.tools, ['aibridge_whoami', 'aibridge_check_access']);
  const check = JSON.parse(text(await alice.callTool({ name: 'aibridge_check_access', arguments: { tool: 'cucm_axl_request', arguments: { node: 'cucm1', operation: 'getPhone' } } }))) as Record<string, unknown>;
  assert.equal(check.allowed, false);
  assert.match(String(check.reason), /the licence is EXPIRED/);
  // A new enterprise licence installed while running: everything is back, without a restart.
  await lic.install({ tier: 'enterprise', days: 365 });
  await lic.watchdog.tick();
  const all = await names();
  for (const n of ['cucm_axl_request', 'imp_fake', 'cuc_fake', 'cucm_fake_report']) assert.ok(all.includes(n), n);
  assert.equal((await alice.callTool({ name: 'imp_fake', arguments: {} })).isError, undefined);
  for (let i = 0; i < 50 && changed < 3; i++) await new Promise((r) => setImmediate(r));
  assert.equal(changed, 3, 'one notifications/tools/list_changed per licence change (GRACE, EXPIRED, new licence)');
});
