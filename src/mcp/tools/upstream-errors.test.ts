/**
 * Failures at Cisco nodes, through the whole tool-call pipeline (MCP SDK client → route → pipeline
 * → real Cisco tools → `aibridge lab`): each class arrives as `structuredContent.error` with its
 * code, stable `reason`, `retryable`, the node, the HTTP status and Cisco's own code where given.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../lib/testdata/free-port.ts';
import { startHarness } from '../testdata/mcp-harness.ts';
import { startLabTools } from './testing/lab-tools-harness.ts';
import type { LabTools } from './testing/lab-tools-harness.ts';

const open: LabTools[] = [];
after(async () => { for (const o of open) await o.close(); });

async function setup(faults: string, editEnv: (env: string) => string = (e) => e, extraEnv = '') {
  const lt = await startLabTools({ seed: 7, phones: 3, faults, prefix: 'upstream-i', editEnv, extraEnv });
  open.push(lt);
  const { lab } = lt;
  const h = await startHarness({ fakes: false, extraTools: [...lt.tools.values()] });
  const client = await h.connect('alice');
  const error = async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const r = await client.callTool({ name, arguments: args });
    assert.equal(r.isError, true, `${name} failed: ${JSON.stringify(r.structuredContent).slice(0, 300)}`);
    return (r.structuredContent as { error: Record<string, unknown> }).error;
  };
  return { error, lab };
}

const pick = (e: Record<string, unknown>, keys: string[]): Record<string, unknown> => Object.fromEntries(keys.filter((k) => e[k] !== undefined).map((k) => [k, e[k]]));
const CLASS = ['code', 'reason', 'retryable', 'node', 'http_status', 'cisco_code'];

test('network, TLS pin, SOAP fault and not-found failures each have their own code and reason', async () => {
  const refusedPort = await freePort(); // nothing listens there
  const { error } = await setup('', (env) => env
    .replace(/(CISCO_NODE_PORTS=[^\n]*cucm-sub1:)\d+/, `$1${refusedPort}`)
    .concat(`CISCO_NODE_PINS=imp-pub:sha256/${Buffer.alloc(32, 7).toString('base64')}\n`));
  assert.deepEqual(pick(await error('cucm_sql_query', { node: 'cucm-sub1', sql: 'select name from device' }), CLASS),
    { code: 'E_CISCO_UNREACHABLE', reason: 'connection_refused', retryable: true, node: 'cucm-sub1' });
  const pin = await error('imp_axl_request', { node: 'imp-pub', operation: 'getCCMVersion', args: {} });
  assert.deepEqual(pick(pin, CLASS), { code: 'E_CISCO_UNREACHABLE', reason: 'tls_pin_mismatch', retryable: false, node: 'imp-pub' });
  assert.match(String(pin.hint), /CISCO_NODE_PINS/);
  assert.deepEqual(pick(await error('cucm_axl_request', { node: 'cucm-pub', operation: 'getPhone', args: { name: 'SEPFFFFFFFFFFFF' } }), CLASS),
    { code: 'E_CISCO_FAULT', reason: 'soap_fault', retryable: false, node: 'cucm-pub', http_status: 500, cisco_code: '5007' });
  assert.deepEqual(pick(await error('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users/00000000-0000-0000-0000-000000000000' }), CLASS),
    { code: 'E_NOT_FOUND', reason: 'not_found', retryable: false, node: 'cuc-pub', http_status: 404, cisco_code: 'NOT_FOUND' });
});

test('credentials the node refuses are E_CISCO_AUTH (auth_rejected, HTTP 401), not retryable, for AXL, CUPI and SSH', async () => {
  const { error } = await setup('auth:expired');
  for (const [tool, args] of [
    ['cucm_sql_query', { node: 'cucm-pub', sql: 'select name from device' }],
    ['cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users' }],
  ] as const) {
    const e = await error(tool, args);
    assert.deepEqual(pick(e, CLASS), { code: 'E_CISCO_AUTH', reason: 'auth_rejected', retryable: false, node: args.node, http_status: 401 }, tool);
    assert.match(String(e.hint), /aibridge credentials set/);
  }
  assert.deepEqual(pick(await error('cuc_cli', { node: 'cuc-pub', command: 'show status' }), CLASS), { code: 'E_CISCO_AUTH', reason: 'auth_rejected', retryable: false, node: 'cuc-pub' });
});

test('a node that throttles is E_CISCO_THROTTLED and retryable; an HTTP 500 without a fault is server_error', async () => {
  const { error } = await setup('axl:503:1,cupi:500:1', undefined, 'SERVER_CUCM_ZEEP_TIMEOUT=3\n');
  assert.deepEqual(pick(await error('cucm_sql_query', { node: 'cucm-pub', sql: 'select name from device' }), CLASS),
    { code: 'E_CISCO_THROTTLED', reason: 'throttled', retryable: true, node: 'cucm-pub', http_status: 503 });
  assert.deepEqual(pick(await error('cuc_cupi_request', { node: 'cuc-pub', method: 'GET', path: '/vmrest/users' }), CLASS),
    { code: 'E_CISCO_FAULT', reason: 'server_error', retryable: false, node: 'cuc-pub', http_status: 500 });
});
