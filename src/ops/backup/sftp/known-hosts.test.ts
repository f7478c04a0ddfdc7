import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { parseKnownHosts, checkHostKey, pinnedAlgorithms, hostFieldMatches } from './known-hosts.ts';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const b = Buffer.from(body);
  const out = Buffer.alloc(8 + t.length + b.length);
  out.writeUInt32BE(t.length, 0); t.copy(out, 4); out.writeUInt32BE(b.length, 4 + t.length); b.copy(out, 8 + t.length);
  return out;
}
const K1 = blob('ssh-ed25519', 'key-one-32-bytes-xxxxxxxxxxxxxxx');
const K2 = blob('ssh-ed25519', 'key-two-32-bytes-xxxxxxxxxxxxxxx');

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

test('checkHostKey() accepts the pinned key on port 22 and as [host]:port', () => {
  const e = parseKnownHosts(`sftp.example.com ssh-ed25519 ${K1.toString('base64')}\n[10.0.0.5]:2222 ssh-ed25519 ${K1.toString('base64')} comment\n`);
  assert.equal(checkHostKey(e, 'sftp.example.com', 22, K1).ok, true);
  assert.equal(checkHostKey(e, '10.0.0.5', 2222, K1).ok, true);
  assert.deepEqual(checkHostKey(e, '10.0.0.5', 22, K1), { ok: false, reason: 'unknown-host', detail: 'no entry for 10.0.0.5' });
});

test('checkHostKey() refuses a different key (mismatch), an unknown host and a revoked key', () => {
  const e = parseKnownHosts(`h ssh-ed25519 ${K1.toString('base64')}\n@revoked * ssh-ed25519 ${K2.toString('base64')}\n`);
  const v = checkHostKey(e, 'h', 22, K2);
  assert.equal(v.ok, false);
  assert.equal(!v.ok && v.reason, 'revoked');
  const e2 = parseKnownHosts(`h ssh-ed25519 ${K1.toString('base64')}\n`);
  assert.equal(!checkHostKey(e2, 'h', 22, K2).ok && (checkHostKey(e2, 'h', 22, K2) as { reason: string }).reason, 'mismatch');
  assert.equal((checkHostKey(e2, 'other', 22, K1) as { reason: string }).reason, 'unknown-host');
});

test('hashed entries (ssh-keygen -H) match host and [host]:port', () => {
  const e = parseKnownHosts(`${hashed('[127.0.0.1]:2200')} ssh-ed25519 ${K1.toString('base64')}\n`);
  assert.equal(checkHostKey(e, '127.0.0.1', 2200, K1).ok, true);
  assert.equal(checkHostKey(e, '127.0.0.1', 22, K1).ok, false);
});

test('patterns: wildcards and negation', () => {
  assert.equal(hostFieldMatches('*.example.com,!bad.example.com', 'a.example.com', 22), true);
  assert.equal(hostFieldMatches('*.example.com,!bad.example.com', 'bad.example.com', 22), false);
});

test('pinnedAlgorithms() offers only pinned types (no downgrade), RSA with SHA-2 first', () => {
  const e = parseKnownHosts(`h ssh-rsa ${blob('ssh-rsa', 'x').toString('base64')}\nh ssh-ed25519 ${K1.toString('base64')}\n`);
  assert.deepEqual(pinnedAlgorithms(e, 'h', 22), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  assert.deepEqual(pinnedAlgorithms(e, 'x', 22), []);
});
