/**
 * The decision table: every shipped profile × every shipped tool × representative calls. Listing,
 * aibridge_whoami, aibridge_check_access and the call all come from one decision, so they must
 * agree: a call allowed for a profile means the tool is listed for it; a listed tool has at least
 * one allowed representative call; check_access says exactly what the call decision says.
 * A new tool needs a row in CALLS (the test says so), so its decisions are covered from day one.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import { createNullLogger } from '../../log/logger.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { ProfileStore } from '../../rbac/profile-store.ts';
import { syncDefaultProfiles } from '../../rbac/sync-default-profiles.ts';
import { AibridgeMetrics } from '../../metrics/aibridge-metrics.ts';
import type { Principal } from '../../auth/principal.ts';
import { buildToolCatalog } from '../tool-catalog.ts';
import { createIntrospectionTools } from '../introspection-tools.ts';
import { ToolPipeline } from './tool-pipeline.ts';
import { ToolSet } from './tool-set.ts';

const root = mkdtempSync(join(tmpdir(), 'aibridge-decisions-'));
writeFileSync(join(root, '.env'), 'CISCO_NODES=cm1:cucm:127.0.0.1:cl1:publisher,im1:imp:127.0.0.1:cl2:publisher,uc1:cuc:127.0.0.1:cl3:publisher\n', { mode: 0o600 });
const config = loadConfig(root);
mkdirSync(config.paths.profilesDir, { recursive: true });
syncDefaultProfiles(config.paths.profilesDir);
const logger = createNullLogger();
const profiles = new ProfileStore({ dir: config.paths.profilesDir, strict: true, logger });
profiles.scan();
const audit = AuditLog.open({ dir: config.paths.logsDir, rotateSize: 1e7, rotateFiles: 1, checkpointPath: join(root, 'cp') });
const closers: Array<() => unknown> = [];
const tools = new ToolSet(buildToolCatalog({ config, audit, profiles, logger, onShutdown: (fn) => { closers.push(fn); } }));
const pipeline = new ToolPipeline({ tools, profiles, audit, logger, metrics: new AibridgeMetrics() });
tools.add(createIntrospectionTools(pipeline));
after(async () => { for (const c of closers) await c(); audit.close(); });

const REPORT = '20261201-101500-x.md';
/** Representative calls per tool: reads and writes, allowed and refused for some profile. */
const CALLS: Record<string, Array<Record<string, unknown>>> = {
  cucm_axl_request: ['getPhone', 'listPhone', 'addPhone', 'updatePhone', 'removePhone', 'doLdapSync'].map((operation) => ({ node: 'cl1', operation, args: {} }))
    .concat([{ node: 'cl1', operation: 'executeSQLQuery', args: { sql: 'select name from device' } }, { node: 'cl1', operation: 'executeSQLUpdate', args: { sql: "update device set description='x' where name='SEP1'" } }]),
  imp_axl_request: ['getPresenceRedundancyGroup', 'listPresenceRedundancyGroup', 'updatePresenceRedundancyGroup'].map((operation) => ({ node: 'im1', operation, args: {} })),
  cucm_axl_describe: [{ node: 'cl1', operation: 'addPhone' }, { node: 'im1', operation: 'getUser' }],
  cucm_axl_operations: [{ node: 'cl1' }, { node: 'im1', prefix: 'list' }],
  cucm_sql_query: [{ node: 'cl1', sql: 'select name from device' }],
  cucm_sql_update: [{ node: 'cl1', sql: "update device set description='x' where name='SEP1'" }],
  cucm_ris_devices: [{ node: 'cl1' }, { node: 'cl1', status: 'Registered' }, { node: 'cl1', device_class: 'Gateway' }, { node: 'cl1', device_class: 'Any' }],
  cucm_cli: ['show status', 'utils ntp status', 'utils service restart Cisco Tftp', 'help show'].map((command) => ({ node: 'cm1', command })),
  imp_cli: ['show status', 'utils service restart Cisco XCP Router'].map((command) => ({ node: 'im1', command })),
  cuc_cli: ['show cuc version', 'utils cuc networking clean'].map((command) => ({ node: 'uc1', command })),
  cuc_cupi_request: [{ node: 'uc1', path: '/vmrest/users' }, { node: 'uc1', method: 'PUT', path: '/vmrest/users/abc', body: {} }, { node: 'uc1', method: 'DELETE', path: '/vmrest/users/abc' }],
  cucm_phone_screenshot: [{ node: 'cl1', device: 'SEP001122334455' }],
  cucm_phone_info: [{ node: 'cl1', device: 'SEP001122334455' }],
  cucm_health_check: [{ cluster: 'cl1' }],
  imp_health_check: [{ cluster: 'cl2' }],
  cuc_health_check: [{ cluster: 'cl3' }],
  cucm_service_status: [{ node: 'cl1' }],
  cucm_service_control: [{ node: 'cm1', services: ['Cisco Tftp'], action: 'Restart' }, { node: 'cm1', services: ['Cisco CallManager'], action: 'Stop' }],
  cucm_log_services: [{ node: 'cl1' }],
  cucm_log_find: [{ node: 'cl1', preset: 'syslog' }],
  cucm_log_get: [{ node: 'cm1', file: '/var/log/active/syslog/messages' }],
  cucm_perfmon_list: [{ node: 'cm1' }],
  cucm_perfmon_collect: [{ node: 'cm1', object: 'Cisco CallManager' }],
  cucm_cdr_list: [{ node: 'cl1', last_minutes: 30 }],
  cucm_cdr_get: [{ node: 'cl1', file: 'cdr_Cluster1_01_202612011005_12' }],
  credentials_status: [{}],
  report_write: [{ title: 't', markdown: '# t' }],
  reports_list: [{}],
  report_read: [{ report: REPORT }],
  report_export_pdf: [{ report: REPORT }],
  aibridge_whoami: [{}],
  aibridge_check_access: [{ tool: 'cucm_cli', arguments: { node: 'cm1', command: 'show status' } }],
};

function principal(profile: string): Principal {
  return { clientName: `c-${profile}`, subject: 's', profile, authMethod: 'jwt', tokenId: 'j', expiresAt: Math.floor(Date.now() / 1000) + 3600 };
}

test('every shipped tool has representative calls in the decision table', () => {
  const missing = tools.all().map((t) => t.name).filter((n) => !CALLS[n]);
  assert.deepEqual(missing, [], 'add a row to CALLS in src/mcp/pipeline/decision-table.test.ts for each new tool');
});

for (const profile of ['admin', 'operator', 'auditor']) {
  test(`${profile}: tools/list, whoami, check_access and the call decision agree for every tool and representative call`, () => {
    const p = principal(profile);
    const listed = pipeline.listFor(p).map((t) => t.name);
    assert.deepEqual(pipeline.visibleTo(p).map((t) => t.name), listed, 'whoami lists what tools/list lists');
    for (const tool of tools.all()) {
      const outcomes: boolean[] = [];
      for (const args of CALLS[tool.name] ?? []) {
        const where = `${profile} ${tool.name} ${JSON.stringify(args)}`;
        const prepared = pipeline.prepare(tool.name, args);
        assert.equal(prepared.kind, 'ready', `${where}: representative arguments must validate (${prepared.kind === 'invalid' ? String(prepared.error) : ''})`);
        if (prepared.kind !== 'ready') continue;
        const call = pipeline.decide(p, tool, 'call', prepared.target, prepared.args);
        const check = pipeline.check(p, tool.name, args);
        assert.equal(check.allowed, call.allowed, `${where}: check_access and the call disagree`);
        assert.equal(check.rule, call.rule, `${where}: check_access names another rule`);
        if (call.allowed) assert.ok(listed.includes(tool.name), `${where}: allowed but not listed`);
        outcomes.push(call.allowed);
      }
      if (listed.includes(tool.name)) assert.ok(outcomes.some(Boolean), `${profile} ${tool.name}: listed but no representative call is allowed`);
    }
  });
}

test('the decisions the spec table implies, cell by cell', () => {
  const allowed = (profile: string, tool: string, args: Record<string, unknown>): boolean => pipeline.check(principal(profile), tool, args).allowed;
  assert.ok(pipeline.listFor(principal('operator')).some((t) => t.name === 'cucm_ris_devices'), 'the operator is offered RIS (phones only)');
  assert.ok(allowed('operator', 'cucm_ris_devices', { node: 'cl1' }));
  assert.ok(!allowed('operator', 'cucm_ris_devices', { node: 'cl1', device_class: 'Gateway' }));
  assert.ok(allowed('auditor', 'cucm_ris_devices', { node: 'cl1', device_class: 'Any' }));
  assert.ok(allowed('operator', 'cucm_axl_request', { node: 'cl1', operation: 'addPhone' }));
  assert.ok(!allowed('auditor', 'cucm_axl_request', { node: 'cl1', operation: 'addPhone' }));
  assert.ok(!allowed('operator', 'cucm_axl_request', { node: 'cl1', operation: 'removePhone' }));
  assert.ok(allowed('admin', 'cucm_axl_request', { node: 'cl1', operation: 'removePhone' }));
  assert.ok(!allowed('operator', 'cucm_cli', { node: 'cm1', command: 'utils service restart Cisco Tftp' }));
  assert.ok(allowed('auditor', 'cucm_cli', { node: 'cm1', command: 'utils ntp status' }));
  assert.ok(allowed('operator', 'cuc_cupi_request', { node: 'uc1', method: 'PUT', path: '/vmrest/users/abc', body: {} }));
  assert.ok(!allowed('auditor', 'cuc_cupi_request', { node: 'uc1', method: 'PUT', path: '/vmrest/users/abc', body: {} }));
  const ann = (profile: string, tool: string) => pipeline.listFor(principal(profile)).find((t) => t.name === tool)?.annotations;
  assert.equal(ann('auditor', 'cucm_axl_request')?.readOnlyHint, true);
  assert.equal(ann('auditor', 'cucm_axl_request')?.destructiveHint, false);
  assert.equal(ann('operator', 'cucm_axl_request')?.readOnlyHint, false);
  assert.equal(ann('auditor', 'cuc_cupi_request')?.readOnlyHint, true);
  assert.equal(ann('operator', 'cucm_cli')?.readOnlyHint, true);
  assert.equal(ann('admin', 'cucm_cli')?.readOnlyHint, false);
});
