/**
 * bench/serviceability: download of a 200 MiB CallManager trace file through aibridge (MCP SDK
 * client → `dist/aibridge serve` → DIME GetOneFile on `dist/aibridge lab --trace-mb 200`) next to
 * the same GetOneFile sent straight to the lab with curl, in alternating pairs after a warm-up
 * (bench/lib/pairs.ts; BENCH_PAIRS, default 5). Figures: seconds, the ratio of the medians,
 * serve's CPU seconds per download (the lab's too, for both sides: the same server work), and
 * serve's RSS before the downloads and its peak during the first and over all of them (the peak is
 * reset first, so start-up does not hide it; flat memory: the peak does not grow with the bytes
 * that went through). Goal: ≤ 1.3× curl's time and flat memory.
 * aibridge fsyncs the file before it answers (the download is committed like any state write);
 * curl does not, so the baseline side also times `sync --data` of curl's file after it, shown
 * beside the ratio ("curl + fsync"): on a slow disk that, not the network, bounds both.
 * BENCH_CPU_PROF=DIR writes a V8 CPU profile of serve there.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fmt, measurePairs, ratio } from './lib/pairs.ts';
import { rssMiB } from './lib/proc.ts';
import { callTool, cpuSeconds, startLabServe } from './lib/lab-serve.ts';
import { record } from './lib/table.ts';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

const FILE = '/var/log/active/cm/trace/ccm/sdi/ccm00009999.txt';

/** User and system CPU seconds of a process, or with `children` those of its waited-for children. */
function cpuSplit(pid: number | 'self', children = false): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = children ? 13 : 11; // utime, stime (or cutime, cstime) in clock ticks (USER_HZ 100)
  return { user: Number(f[at]) / 100, sys: Number(f[at + 1]) / 100 };
}

async function pingFresh(c: Client): Promise<void> {
  for (let i = 0; ; i++) {
    try { await c.ping(); return; } catch (err) { if (i >= 2) throw err; }
  }
}

export async function benchServiceability(mb = Number(process.env.BENCH_TRACE_MB ?? 200)): Promise<void> {
  const prof = process.env.BENCH_CPU_PROF;
  const ls = await startLabServe({
    prefix: 'bench-svc', port: 19544, labArgs: ['--phones', '40', '--seed', '1', '--trace-mb', String(mb)], clients: { bench: 'admin' },
    env: [`SERVER_CUCM_DIME_MAX_DOWNLOAD_MB=${mb + 16}`],
    ...(prof ? { serveEnv: { ...process.env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(prof)}` } } : {}),
  });
  try {
    const { pub, labJson, serve, lab } = ls;
    const client = await ls.connect('bench');
    await callTool(client, 'cucm_log_find', { node: pub.name, services: ['Cisco CallManager'], last_minutes: 30 });
    // Serve's peak so far is its start-up; reset it (Linux clear_refs 5) so the peaks below are the downloads' own.
    const rssBefore = rssMiB(serve.pid!, 'VmRSS');
    writeFileSync(`/proc/${serve.pid!}/clear_refs`, '5');
    let rssAfterOne = NaN;
    const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Body><soap:FileName>${FILE}</soap:FileName></soapenv:Body></soapenv:Envelope>`;
    const out = join(ls.dir, 'curl.out');
    let bytes = 0;
    const r = await measurePairs({
      ours: async () => {
        // The kept-alive connection sat idle through curl's turn and serve may close it just as the
        // next request goes out (undici then fails that POST): an untimed ping, retried, first.
        await pingFresh(client);
        const c0 = cpuSplit(serve.pid!); const l0 = cpuSeconds(lab.pid!); const t = performance.now();
        const got = await callTool(client, 'cucm_log_get', { node: pub.name, file: FILE });
        const s = (performance.now() - t) / 1000;
        const c1 = cpuSplit(serve.pid!);
        bytes = Number(got.bytes);
        if (Number.isNaN(rssAfterOne)) rssAfterOne = rssMiB(serve.pid!);
        return { s, cpu: c1.user + c1.sys - c0.user - c0.sys, user: c1.user - c0.user, sys: c1.sys - c0.sys, lab: cpuSeconds(lab.pid!) - l0 };
      },
      base: async () => {
        const l0 = cpuSeconds(lab.pid!); const k0 = cpuSplit('self', true); const t = performance.now();
        execFileSync('curl', ['-s', '--cacert', labJson.ca_bundle, '-u', `${pub.username}:${pub.password}`, '-H', 'Content-Type: text/xml', '-H', 'SOAPAction: "http://schemas.cisco.com/ast/soap/action/#LogCollectionPort#GetOneFile"', '-o', out,
          `https://${pub.host}:${pub.https_port}/logcollectionservice/services/DimeGetFileService`, '--data-binary', body]);
        const s = (performance.now() - t) / 1000;
        const k1 = cpuSplit('self', true);
        const lab1 = cpuSeconds(lab.pid!) - l0;
        execFileSync('sync', ['--data', out]);
        return { s, durable: (performance.now() - t) / 1000, cpu: k1.user + k1.sys - k0.user - k0.sys, lab: lab1 };
      },
    });
    const rssAfterAll = rssMiB(serve.pid!);
    await client.close();
    const through = 1 + r.pairs; // the warm-up and one per pair
    record('dime-200', {
      ours: fmt(r.ours.s, 's'), base: `curl ${fmt(r.base.s, 's')}`, ratio: ratio(r.ours.s, r.base.s, 'time'),
      note: `median of ${r.pairs} pairs, ${bytes} bytes; curl + fsync of its file ${fmt(r.base.durable, 's')} (ratio ${ratio(r.ours.s, r.base.durable, 'time')}); serve CPU ${fmt(r.ours.cpu, 's')}/download (user ${fmt(r.ours.user, 's')}, sys ${fmt(r.ours.sys, 's')}), curl's ${fmt(r.base.cpu, 's')}; lab CPU ${fmt(r.ours.lab, 's')} (aibridge) vs ${fmt(r.base.lab, 's')} (curl); serve RSS ${rssBefore.toFixed(0)} MiB before the downloads, peak ${rssAfterOne.toFixed(0)} MiB during the first, ${rssAfterAll.toFixed(0)} MiB over all ${through} (${(through * mb / 1024).toFixed(1)} GiB)`,
    });
  } finally {
    await ls.close();
  }
}

if (process.argv[1]?.endsWith('serviceability.ts')) {
  benchServiceability().catch((err: unknown) => { console.error(`bench failed: ${(err as Error).message}`, (err as Error).cause ?? ""); process.exitCode = 1; });
}
