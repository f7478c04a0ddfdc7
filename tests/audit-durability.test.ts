/**
 * T-AU-08: the audit record of a request is fdatasync'ed before the response leaves, observed with
 * strace on the real binary (write to audit.log → fdatasync(audit.log) → write to the TCP socket).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { httpsGet, newInstall, startServe } from './helpers/install.ts';

test('the TRANSPORT audit record is durable before the 403 is sent (T-AU-08, strace)', async () => {
  const inst = await newInstall();
  const serve = await startServe(inst);
  const trace = join(inst.dir, 'strace.txt');
  // Attach to every thread of the running server (strace -f -p), then make one audited request.
  const strace = spawn('strace', ['-f', '-yy', '-s', '400', '-qq', '-e', 'trace=write,writev,fdatasync,fsync', '-o', trace, '-p', String(serve.proc.pid)], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !(existsSync(trace) && statSync(trace).size > 0); i++) {
      await httpsGet(inst.port, '/health').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await httpsGet(inst.port, '/health', { Host: 'evil.example' });
    assert.equal(r.status, 403);
    await new Promise((r2) => setTimeout(r2, 300));
  } finally {
    strace.kill('SIGINT');
    await new Promise((r) => strace.on('exit', r));
    await serve.stop();
  }
  const lines = readFileSync(trace, 'utf8').split('\n');
  const auditWrite = lines.findIndex((l) => /write\(\d+<[^>]*audit\.log>/.test(l) && l.includes('invalid_host'));
  assert.ok(auditWrite >= 0, 'no write of the invalid_host record to audit.log seen');
  const sync = lines.findIndex((l, i) => i > auditWrite && /fdatasync\(\d+<[^>]*audit\.log>/.test(l));
  const reply = lines.findIndex((l, i) => i > auditWrite && /write(v)?\(\d+<TCP(v6)?:\[/.test(l));
  assert.ok(sync > auditWrite, 'audit.log was not fdatasync-ed after the record');
  assert.ok(reply > sync, `the response was written (line ${reply}) before the audit record was durable (line ${sync})`);
});
