/** Issue #12 item 3 (T-RX-07, T-RB-09): unauthenticated requests cannot flood the audit log, and transport violations count towards Fail2Ban. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../http/build-app.ts';
import { loadConfig } from '../config/load-config.ts';
import { createNullLogger } from '../log/logger.ts';
import { AuditLog } from './audit-log.ts';
import { PER_SOURCE_PER_MINUTE, UnauthenticatedAudit } from './unauthenticated-audit.ts';

test('#12.3 forged Host/Origin floods write at most N records per source per minute, then one summary; each counts for Fail2Ban', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unauth-'));
  writeFileSync(join(dir, '.env'), 'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*\nMCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:8443\n', { mode: 0o600 });
  const config = loadConfig(dir);
  const audit = AuditLog.open({ dir: config.paths.logsDir, rotateSize: 1e6, rotateFiles: 1, checkpointPath: join(dir, 'cp') });
  const violations: string[] = [];
  let limiter: UnauthenticatedAudit | undefined;
  const app = buildApp({ config, logger: createNullLogger(), audit, onViolation: (ip) => violations.push(ip), onUnauthenticatedAudit: (l) => { limiter = l; } });
  const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
  for (let i = 0; i < 150; i++) {
    const headers: Record<string, string> = i % 2 ? { host: `evil${i}.example:8443` } : { host: 'localhost:8443', origin: `https://evil${i}.example` };
    assert.equal((await app.request('/health', { headers }, from('192.0.2.9'))).status, 403);
  }
  assert.equal((await app.request('/health', { headers: { host: 'evil.example' } }, from('192.0.2.10'))).status, 403);
  const lines = () => readFileSync(join(config.paths.logsDir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const individual = lines().filter((r) => r.event === 'invalid_host' || r.event === 'invalid_origin');
  assert.equal(individual.filter((r) => r.source_ip === '192.0.2.9').length, PER_SOURCE_PER_MINUTE);
  assert.equal(individual.filter((r) => r.source_ip === '192.0.2.10').length, 1, 'another source is not starved');
  assert.equal(violations.filter((ip) => ip === '192.0.2.9').length, 150, 'every violation counts towards Fail2Ban');
  limiter?.close();
  const summary = lines().filter((r) => r.event === 'unauthenticated_events_suppressed');
  assert.equal(summary.length, 1);
  assert.equal(summary[0]?.count, 150 - PER_SOURCE_PER_MINUTE);
  assert.equal(summary[0]?.source_ip, '192.0.2.9');
});

test('#12.3 the limiter opens a new window each minute', () => {
  let now = 0;
  const written: string[] = [];
  const u = new UnauthenticatedAudit({ append: (_c, e) => { written.push(e); }, now: () => now, perMinute: 2 });
  for (let i = 0; i < 5; i++) u.record('a', 'TRANSPORT', 'invalid_host', {});
  now += 60_000;
  u.record('a', 'TRANSPORT', 'invalid_host', {});
  u.close();
  assert.deepEqual(written, ['invalid_host', 'invalid_host', 'unauthenticated_events_suppressed', 'invalid_host']);
});
