import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { renderReportPdf } from './pdf-render.ts';
import { DEFAULT_CHART_COLORS, parseChartColors } from './grades.ts';
import { checkLogo } from './logo.ts';
import { pngChunk } from '../lib/png-chunk.ts';

const dir = mkdtempSync(join(tmpdir(), 'aibridge-pdf-'));
let n = 0;
/** Write the PDF, render every page with pdftoppm, return its text (pdftotext) and page PNGs. */
function inspect(pdf: Buffer, range: string[] = []): { text: string; pages: number; pngs: string[]; images: string } {
  const base = join(dir, `r${n++}`);
  writeFileSync(`${base}.pdf`, pdf);
  const info = execFileSync('pdfinfo', [`${base}.pdf`], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  execFileSync('pdftoppm', ['-r', '20', '-png', ...range, `${base}.pdf`, base]);
  const pngs = readdirSync(dir).filter((f) => f.startsWith(`${base.split('/').pop()}-`) && f.endsWith('.png'));
  return { text: execFileSync('pdftotext', ['-layout', ...range, `${base}.pdf`, '-'], { encoding: 'utf8' }), pages, pngs, images: execFileSync('pdfimages', ['-list', `${base}.pdf`], { encoding: 'utf8' }) };
}

function png(w: number, h: number, interlace = 0): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h, 0x80);
  for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2; ihdr[12] = interlace;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const MD = [
  '# Dial-plan audit', '', 'Summary paragraph with **bold** and `code` and a [link](https://example.invalid/x).', '',
  '| Grade | Count |', '|---|---|', '| PASS | 3 |', '| WARN | 1 |', '| FAIL | 2 |', '| INFO | 0 |', '| N/A | 1 |', '',
  '## Findings', '', '| Grade | Check | Item | Evidence |', '|---|---|---|---|', '| FAIL | Route pattern | 9.@ | points at an empty route list \\| RL-x |', '',
  '- first item', '- second item', '', '1. one', '2. two', '', '```', 'admin:show status', 'Host Name : cucm-pub', '```', '', '---', '',
  '<script>alert(1)</script> <b>not bold</b>',
].join('\n');

test('renderReportPdf() renders title page, chart, tables, lists, code and page numbers (pdftoppm, pdftotext)', async () => {
  const r = await renderReportPdf({ title: 'Dial-plan audit', client: 'alice', generatedAt: new Date('2026-12-01T10:00:00Z'), markdown: MD, colors: DEFAULT_CHART_COLORS, logo: checkLogo(png(64, 64)) });
  assert.deepEqual(r.counts, { PASS: 3, WARN: 1, FAIL: 2, INFO: 0, 'N/A': 1 });
  assert.equal(r.logoEmbedded, true);
  const x = inspect(r.pdf);
  assert.equal(x.pages, r.pages);
  assert.equal(x.pngs.length, x.pages);
  for (const s of ['Dial-plan audit', 'Client: alice', 'Grades', 'Findings', 'points at an empty route list | RL-x', 'first item', 'admin:show status', 'link (https://example.invalid/x)', '<script>alert(1)</script>', `Page 1 of ${x.pages}`, `Page ${x.pages} of ${x.pages}`]) {
    assert.ok(x.text.includes(s), `PDF text lacks "${s}"`);
  }
  assert.doesNotMatch(x.text, /\*\*bold\*\*/);
  assert.match(x.images, /\n\s*\d+\s+\d+\s+image\s+64\s+64 /);
});

test('renderReportPdf() without a usable logo still produces the PDF and says why', async () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.from('GIF89a not a png'), /neither a PNG nor a JPEG/], [png(5000, 10), /limit is 4096 px/], [png(8, 8, 1), /interlaced/],
    [Buffer.alloc(3 * 1024 * 1024, 1), /limit is 2097152/], [Buffer.concat([png(8, 8).subarray(0, 40)]), /./],
  ];
  for (const [bytes, why] of cases) {
    const reasons: string[] = [];
    const r = await renderReportPdf({ title: 't', client: 'c', generatedAt: new Date(), markdown: '# t\n\n| Grade | Count |\n|---|---|\n| PASS | 1 |', colors: DEFAULT_CHART_COLORS, logo: checkLogo(bytes), onLogoSkipped: (x) => reasons.push(x) });
    assert.equal(r.logoEmbedded, false);
    assert.match(reasons.join(' '), why);
    assert.ok(inspect(r.pdf).text.includes('PASS'));
  }
});

test('renderReportPdf() paginates 10,000 table rows and wraps very long lines', async () => {
  const rows = Array.from({ length: 10_000 }, (_v, i) => `| ${i % 7 === 0 ? 'WARN' : 'PASS'} | SEP${String(i).padStart(12, '0')} | row ${i} |`);
  const long = 'x'.repeat(20_000);
  const md = ['# Big', '', '| Grade | Device | Note |', '|---|---|---|', ...rows, '', long, '', '```', 'y'.repeat(5000), '```'].join('\n');
  const r = await renderReportPdf({ title: 'Big', client: 'c', generatedAt: new Date(), markdown: md, colors: DEFAULT_CHART_COLORS });
  assert.ok(r.pages > 100, `${r.pages} pages`);
  assert.equal(r.counts.WARN, 1429);
  // The first and last pages only: rendering all of them would only repeat the first test.
  const last = String(r.pages);
  const x = inspect(r.pdf, ['-f', String(r.pages - 1), '-l', last]);
  assert.equal(x.pngs.length, 2);
  assert.ok(x.text.includes(`Page ${last} of ${last}`));
  assert.ok(inspect(r.pdf, ['-f', '2', '-l', '2']).text.includes('SEP000000000000'));
});

test('parseChartColors() reads REPORT_CHARTS_COLORS and refuses malformed items', () => {
  assert.deepEqual(parseChartColors('PASS=#00aa00,N/A=#BACCCC'), { ...DEFAULT_CHART_COLORS, PASS: '#00AA00', 'N/A': '#BACCCC' });
  for (const bad of ['PASS=', 'PASS=#12345', 'GOOD=#123456', 'PASS:#123456', 'PASS=#12345G']) assert.throws(() => parseChartColors(bad), (e: Error & { code?: string }) => e.code === 'E_CONFIG_INVALID', bad);
  assert.equal(readFileSync(new URL('./grades.ts', import.meta.url), 'utf8').includes('#78F5AE'), true);
});
