import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportStore } from './report-store.ts';
import { renderReportPdf } from './pdf-render.ts';
import { DEFAULT_CHART_COLORS } from './grades.ts';

function store(): { s: ReportStore; dir: string; events: Array<[string, string, Record<string, unknown>]> } {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-reports-'));
  const events: Array<[string, string, Record<string, unknown>]> = [];
  const s = new ReportStore(dir, { append: (c, e, f) => events.push([c, e, f]) }, () => new Date('2026-12-01T10:00:00Z'));
  return { s, dir, events };
}

test('ReportStore writes 0600 files in a 0700 folder per client, never overwrites, audits WRITTEN', async () => {
  const { s, dir, events } = store();
  const a = await s.write('alice', 'Health lab-cucm', '# Health lab-cucm\n', 'test');
  const b = await s.write('alice', 'Health lab-cucm', '# Again\n', 'test');
  assert.equal(a.name, '20261201-100000-health-lab-cucm.md');
  assert.equal(b.name, '20261201-100000-health-lab-cucm-2.md');
  assert.equal(a.path, 'clients/alice/reports/20261201-100000-health-lab-cucm.md');
  assert.equal(statSync(join(dir, 'alice', 'reports')).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'alice', 'reports', a.name)).mode & 0o777, 0o600);
  assert.deepEqual(events.map(([c, e, f]) => [c, e, f.client, f.report]), [['WRITTEN', 'report_written', 'alice', a.name], ['WRITTEN', 'report_written', 'alice', b.name]]);
  assert.deepEqual((await s.list('alice')).map((r) => [r.name, r.title]), [[b.name, 'Again'], [a.name, 'Health lab-cucm']]);
  assert.equal((await s.read('alice', a.name)).markdown, '# Health lab-cucm\n');
});

test('ReportStore: one client never reaches another client\'s reports', async () => {
  const { s, dir } = store();
  const a = await s.write('alice', 'secret', '# secret\n', 'test');
  assert.deepEqual(await s.list('bob'), []);
  await assert.rejects(s.read('bob', a.name), (e: Error & { code?: string }) => e.code === 'E_NOT_FOUND');
  for (const evil of [`../alice/reports/${a.name}`, `..%2falice%2freports%2f${a.name}`, join(dir, 'alice', 'reports', a.name)]) {
    await assert.rejects(s.read('bob', evil), (e: Error & { code?: string }) => e.code === 'E_INPUT_INVALID', evil);
  }
  // A symlink planted in bob's folder pointing at alice's report is not followed.
  mkdirSync(join(dir, 'bob', 'reports'), { recursive: true });
  symlinkSync(join(dir, 'alice', 'reports', a.name), join(dir, 'bob', 'reports', 'link.md'));
  await assert.rejects(s.read('bob', 'link.md'), (e: Error & { code?: string }) => e.code === 'E_NOT_FOUND');
  assert.deepEqual((await s.list('bob')).map((r) => r.name), []);
  await assert.rejects(s.write('../x', 't', 'm', 'test'), (e: Error & { code?: string }) => e.code === 'E_FORBIDDEN');
});

test('ReportStore: concurrent exports of one report leave one whole PDF (atomic rename) and audit EXPORTED', async () => {
  const { s, dir, events } = store();
  const r = await s.write('alice', 'r', '# r\n', 'test');
  const pdfs = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => renderReportPdf({ title: `r ${i}`, client: 'alice', generatedAt: new Date(), markdown: `# r ${i}\n\n${'text '.repeat(i * 2000)}`, colors: DEFAULT_CHART_COLORS })));
  await Promise.all(pdfs.map((p) => s.writePdf('alice', r.name, p.pdf, p.pages)));
  const file = join(dir, 'alice', 'reports', r.name.replace(/\.md$/, '.pdf'));
  const bytes = readFileSync(file);
  assert.ok(pdfs.some((p) => p.pdf.equals(bytes)), 'the PDF is exactly one of the exports');
  execFileSync('pdfinfo', [file]);
  assert.deepEqual(readdirSync(join(dir, 'alice', 'reports')).filter((f) => f.endsWith('.tmp')), []);
  assert.equal(events.filter(([c]) => c === 'EXPORTED').length, 6);
  assert.equal((await s.list('alice'))[0]?.pdf, r.name.replace(/\.md$/, '.pdf'));
  writeFileSync(join(dir, 'alice', 'reports', 'junk name.md'), 'x');
  assert.equal((await s.list('alice')).length, 1);
});
