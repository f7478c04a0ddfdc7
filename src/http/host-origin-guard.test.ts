import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostAllowed, isOriginAllowed } from './host-origin-guard.ts';

const HOSTS = ['localhost:*', '127.0.0.1:*', 'mcp.example.com:8443'];

test('isHostAllowed() accepts allowed hosts with the port wildcard and exact ports', () => {
  for (const h of ['localhost:8443', 'LOCALHOST:1', '127.0.0.1:18443', 'mcp.example.com:8443']) assert.ok(isHostAllowed(h, HOSTS), h);
});

test('isHostAllowed() refuses the T-TR-06 edge cases', () => {
  for (const h of ['evil.example:8443', '127.0.0.1.:8443', '[::ffff:127.0.0.1]:8443', '127.0.0.1:8443@evil', 'localhost:8443, evil', 'mcp.example.com:9443',
    'localhost:8443 ', '', 'localhost:99999999', 'localhost:8443/x', 'user@localhost:8443']) {
    assert.equal(isHostAllowed(h, HOSTS), false, JSON.stringify(h));
  }
});

test('isOriginAllowed() matches exact origins only', () => {
  const allowed = ['https://localhost:8443'];
  assert.ok(isOriginAllowed('https://localhost:8443', allowed));
  for (const o of ['https://localhost:8443.evil.example', 'http://localhost:8443', 'null', 'https://evil.example']) assert.equal(isOriginAllowed(o, allowed), false, o);
});
