import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isReadOperation, throttleKind } from './axl-client.ts';

const res = (status: number) => ({ status, headers: {}, body: Buffer.alloc(0) });
const fault = (msg: string, code = '-1') => `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>${msg}</faultstring><detail><axlError><axlcode>${code}</axlcode><axlmessage>${msg}</axlmessage></axlError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;

test('only what Cisco documents is throttling: HTTP 503 and "Maximum AXL Memory Allocation Consumed"', () => {
  assert.equal(throttleKind(res(503), '<html>Service Unavailable</html>'), 'refused');
  assert.equal(throttleKind(res(500), fault('Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed')), 'memory');
  for (const other of ['Internal Server Error', 'Item not valid: The specified SEP001122334455 was not found', 'Query request too large. Total rows matched: 90000 rows. Suggestive Row Fetch: less than 40000 rows', 'Unsupported AXL version 13.0', 'null', '']) {
    assert.equal(throttleKind(res(500), fault(other)), undefined, other);
  }
  assert.equal(throttleKind(res(500), fault('Could not insert new row - duplicate value in a UNIQUE INDEX column', '-239')), undefined);
  assert.equal(throttleKind(res(404), ''), undefined);
});

test('reads are get*/list*/executeSQLQuery; everything else is a write that is never re-sent after a fault', () => {
  for (const op of ['getPhone', 'listPhone', 'getCCMVersion', 'executeSQLQuery', 'listRoutePartition']) assert.ok(isReadOperation(op), op);
  for (const op of ['addPhone', 'updatePhone', 'removePhone', 'executeSQLUpdate', 'applyPhone', 'resetPhone', 'doLdapSync', 'getter', 'listed', 'wipePhone']) assert.ok(!isReadOperation(op), op);
});
