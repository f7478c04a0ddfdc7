/**
 * bench/audit-rotation: the cost of one audit log rotation (`rotateFile(path, Infinity)`) under
 * the audit lock, with 10, 1000 and 5000 archives already beside it, in a folder given as
 * argument (tmpfs and the real disk); and gzip levels on a realistic 5 MB audit log (time and
 * size), and the appends that rotate a 5 MB audit log and the one after. Run directly:
 * `node bench/audit-rotation.ts [dir…]`; SRC=/tmp/before/src runs a copy of the sources (the
 * before figures). Nothing is asserted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';


// The before copy: SRC=/tmp/x/src (rotate-file.ts and audit-log.ts from there).
const src = process.env.SRC ?? '../src';
const mod = (await import(`${src}/lib/rotate-file.ts`)) as typeof import('../src/lib/rotate-file.ts');
const { AuditLog } = (await import(`${src}/audit/audit-log.ts`)) as typeof import('../src/audit/audit-log.ts');
const REPS = Number(process.env.BENCH_REPS ?? 7);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (xs: number[]): string => `${median(xs).toFixed(2)} ms [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;

function rotation(base: string, archives: number): number[] {
  const dir = mkdtempSync(join(base, 'bench-rot-'));
  const path = join(dir, 'audit.log');
  const small = gzipSync('{"seq":1}\n');
  for (let n = 1; n <= archives; n++) writeFileSync(join(dir, `audit.log.${n}.gz`), small, { mode: 0o600 });
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    writeFileSync(path, '{"seq":2}\n', { mode: 0o600 });
    const t0 = performance.now();
    mod.rotateFile(path, Infinity);
    times.push(performance.now() - t0);
  }
  const left = readdirSync(dir).filter((n) => n.endsWith('.gz')).length;
  if (left !== archives + REPS) throw new Error(`expected ${archives + REPS} archives, found ${left}`);
  rmSync(dir, { recursive: true });
  return times;
}

let i = 0;
const tools = ['cucm_axl_request', 'cucm_risport_query', 'cucm_cli_show', 'cuc_user_get', 'imp_presence_get'];
function record(): { event: string; fields: Record<string, string | number> } {
  i++;
  return { event: 'tool_call', fields: { client: `agent-${i % 7}`, session: `s${(i * 7919) % 100_003}`, tool: tools[i % tools.length] as string, node: `cucm-sub${i % 4}`, operation: i % 3 ? 'getPhone' : 'listLine', args_sha256: (i * 2654435761).toString(16).padStart(16, '0'), result: i % 11 ? 'ok' : 'E_UPSTREAM', duration_ms: (i * 37) % 900 } };
}

/** The append that rotates a 5 MB audit log, and the append after it (in `base`). */
function rotatingAppends(base: string): { rotating: number[]; next: number[] } {
  const dir = mkdtempSync(join(base, 'bench-rotappend-'));
  const log = AuditLog.open({ dir, rotateSize: 5 * 1024 * 1024, rotateFiles: 1, checkpointPath: join(dir, 'cp') });
  const out = { rotating: [] as number[], next: [] as number[] };
  for (let r = 0; r < REPS; r++) {
    while ((statSync(log.path, { throwIfNoEntry: false })?.size ?? 0) < 5 * 1024 * 1024 - 100_000) log.appendMany('ACTIONS', Array.from({ length: 200 }, record));
    for (;;) {
      const rec = record();
      const t0 = performance.now();
      log.append('ACTIONS', rec.event, rec.fields);
      const ms = performance.now() - t0;
      if (!statSync(log.path, { throwIfNoEntry: false })) { out.rotating.push(ms); break; }
    }
    const rec = record();
    const t1 = performance.now();
    log.append('ACTIONS', rec.event, rec.fields);
    out.next.push(performance.now() - t1);
  }
  log.close();
  rmSync(dir, { recursive: true });
  return out;
}

/** A 5 MB audit.log of records as the server writes them (varied clients, tools, durations). */
function realisticLog(base: string): Buffer {
  const dir = mkdtempSync(join(base, 'bench-rotlog-'));
  const log = AuditLog.open({ dir, rotateSize: 1e12, rotateFiles: 1, checkpointPath: join(dir, 'cp') });
  while ((statSync(log.path, { throwIfNoEntry: false })?.size ?? 0) < 5 * 1024 * 1024) log.appendMany('ACTIONS', Array.from({ length: 500 }, record));
  log.close();
  return readFileSync(log.path).subarray(0, 5 * 1024 * 1024);
}

const bases = process.argv.slice(2);
if (process.env.BENCH_ROTATE !== '0') for (const base of bases.length ? bases : ['/dev/shm', '/tmp']) {
  for (const n of [10, 1000, 5000]) console.log(`rotation with ${String(n).padStart(4)} archives in ${base}: ${fmt(rotation(base, n))}`);
}
if (process.env.BENCH_APPEND !== '0') {
  for (const base of bases.length ? bases : ['/dev/shm', '/tmp']) {
    const r = rotatingAppends(base);
    console.log(`5 MB audit log in ${base}: the rotating append ${fmt(r.rotating)}, the append after it ${fmt(r.next)}`);
  }
}
if (process.env.BENCH_GZIP !== '0') {
  const data = realisticLog('/dev/shm');
  for (const level of [1, 3, 6, 9]) {
    const times: number[] = [];
    let size = 0;
    for (let r = 0; r < REPS; r++) { const t0 = performance.now(); size = gzipSync(data, { level }).length; times.push(performance.now() - t0); }
    console.log(`gzip level ${level} of ${(data.length / 1048576).toFixed(1)} MB audit log: ${fmt(times)}, ${(size / 1024).toFixed(0)} KiB (${((size / data.length) * 100).toFixed(1)} %)`);
  }
}
