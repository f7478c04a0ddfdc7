import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { AppError, ERROR_CODES } from '../lib/errors.ts';
import { describeNetworkError } from './network-error.ts';
import { sendOutbound } from './https-request.ts';
import type { OutboundRequest } from './https-request.ts';
import { UPSTREAM_REASONS, httpReason, reasonOf, upstreamError } from './upstream-error.ts';
import type { UpstreamReason } from './upstream-error.ts';

const servers: Server[] = [];
const sockets = new Set<Socket>();
after(() => { for (const s of sockets) s.destroy(); for (const s of servers) s.close(); });

/** A plain TCP server that does `onSocket` with each connection. */
async function tcp(onSocket: (s: Socket) => void): Promise<number> {
  const s = createServer((c) => { sockets.add(c); onSocket(c); });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

function req(port: number, over: Partial<OutboundRequest> = {}): OutboundRequest {
  return { nodeName: 'cm-pub', host: '127.0.0.1', port, method: 'GET', path: '/', headers: {}, timeoutMs: 2000, maxBytes: 1024, ...over };
}

const of = (reason: UpstreamReason, retryable: boolean) => (e: unknown): boolean =>
  e instanceof AppError && e.upstream?.reason === reason && e.code === UPSTREAM_REASONS[reason].code && e.retryable === retryable && e.upstream.node === 'cm-pub';

test('every reason names an existing code; reasons are snake_case', () => {
  for (const [reason, cls] of Object.entries(UPSTREAM_REASONS)) {
    assert.match(reason, /^[a-z][a-z0-9_]*$/);
    assert.ok(cls.code in ERROR_CODES, `${reason} → ${cls.code}`);
  }
});

test('upstreamError() carries the class, the facts and an override of retryable; reasonOf() reads it back', () => {
  const e = upstreamError('soap_fault', 'AXL getPhone failed', { node: 'n1', httpStatus: 500, ciscoCode: 5007, hint: 'h' });
  assert.equal(e.code, 'E_CISCO_FAULT');
  assert.equal(e.retryable, false);
  assert.deepEqual(e.upstream, { reason: 'soap_fault', node: 'n1', http_status: 500, cisco_code: '5007' });
  assert.equal(reasonOf(e), 'soap_fault');
  assert.equal(upstreamError('throttled', 'busy', { retryable: false }).retryable, false, 'a throttled write whose outcome is unknown');
  assert.equal(reasonOf(new AppError('E_INPUT_INVALID', 'x')), undefined);
  assert.equal(reasonOf(new AppError('E_CISCO_FAULT', 'x', { upstream: { reason: 'made_up' } })), undefined, 'only reasons of the table');
  assert.equal(upstreamError('cli_error', 'x', { ciscoCode: 'c'.repeat(100) }).upstream?.cisco_code?.length, 40, 'bounded');
});

test('socket and TLS error codes map to reasons: refused, DNS (two kinds), reset, TLS trust/expiry/name, timeout, other', () => {
  const ctx = { node: 'cm-pub', host: 'h:8443', timedOut: false, timeoutMs: 5000, tlsKeys: ['SERVER_CUCM_SSL_VERIFY', 'SERVER_CUCM_SSL_CA_BUNDLE'] as [string, string] };
  const cases: Array<[string, UpstreamReason, boolean]> = [
    ['ECONNREFUSED', 'connection_refused', true], ['ENOTFOUND', 'dns_not_found', false], ['EAI_AGAIN', 'dns_temporary', true],
    ['ECONNRESET', 'connection_reset', true], ['EPIPE', 'connection_reset', true], ['ETIMEDOUT', 'timeout', true],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls_untrusted', false], ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_untrusted', false], ['SELF_SIGNED_CERT_IN_CHAIN', 'tls_untrusted', false],
    ['CERT_HAS_EXPIRED', 'tls_expired', false], ['CERT_NOT_YET_VALID', 'tls_expired', false], ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_hostname', false],
    ['EHOSTUNREACH', 'network_error', true],
  ];
  for (const [code, reason, retryable] of cases) {
    const e = describeNetworkError(Object.assign(new Error(code), { code }), ctx);
    assert.ok(of(reason, retryable)(e), `${code} → ${reason} (got ${e.upstream?.reason} ${e.code} ${e.retryable})`);
  }
  assert.ok(of('timeout', true)(describeNetworkError(new Error('aborted'), { ...ctx, timedOut: true })));
  assert.match(describeNetworkError(Object.assign(new Error('x'), { code: 'CERT_UNTRUSTED' }), ctx).hint ?? '', /SERVER_CUCM_SSL_CA_BUNDLE/);
});

test('HTTP statuses without a better explanation map to reasons', () => {
  assert.deepEqual([401, 403, 429, 503, 302, 500, 502, 400, 409].map(httpReason),
    ['auth_rejected', 'role_missing', 'throttled', 'throttled', 'malformed_answer', 'server_error', 'server_error', 'request_rejected', 'request_rejected']);
});

test('real sockets: refused, reset mid-request, no answer within the timeout, and an answer over the size cap', async () => {
  const closed = await tcp((s) => s.destroy());
  await new Promise<void>((r) => servers.pop()!.close(() => r()));
  await assert.rejects(sendOutbound(req(closed)), of('connection_refused', true));
  const reset = await tcp((s) => s.once('data', () => s.resetAndDestroy()));
  await assert.rejects(sendOutbound(req(reset)), of('connection_reset', true));
  const silent = await tcp(() => undefined);
  await assert.rejects(sendOutbound(req(silent, { timeoutMs: 200 })), of('timeout', true));
  const big = await tcp((s) => s.once('data', () => s.end(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`)));
  await assert.rejects(sendOutbound(req(big)), (e: unknown) => of('answer_too_large', false)(e) && (e as AppError).upstream?.http_status === 200);
});
