/**
 * @module Markdown report → PDF with pdfkit (pure JS, standard fonts, no browser): a title page
 * with the client's logo, a bar chart of the grades in REPORT_CHARTS_COLORS and their counts,
 * then the report's headings, paragraphs, lists, tables (header repeated on each page, grade
 * cells in their colour) and code, with "Page N of M" on every page. Text is wrapped and
 * paginated; a report past MAX_PAGES is refused with that limit.
 */
import { AppError } from '../lib/errors.ts';
import type { Block } from './markdown-blocks.ts';
import { parseMarkdown, pdfSafeText } from './markdown-blocks.ts';
import type { ChartColors, Grade, GradeCounts } from './grades.ts';
import { GRADES, emptyCounts, isGrade } from './grades.ts';
import type { Logo } from './logo.ts';

export const MAX_PAGES = 3000;
const MAX_CELL_CHARS = 1500;
const MARGIN = 50;

export interface PdfInput {
  title: string;
  client: string;
  generatedAt: Date;
  markdown: string;
  colors: ChartColors;
  logo?: Logo;
  /** Called when the logo was present but could not be used (the PDF is still produced). */
  onLogoSkipped?(reason: string): void;
}

export interface PdfOutput { pdf: Buffer; pages: number; counts: GradeCounts; logoEmbedded: boolean }

/** Grade counts: the "| Grade | Count |" summary table if the report has one, else grade cells. */
export function countGrades(blocks: readonly Block[]): GradeCounts {
  const counts = emptyCounts();
  const summary = blocks.find((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table' && /^grade$/i.test(b.header[0] ?? '') && /^count$/i.test(b.header[1] ?? ''));
  if (summary) {
    for (const r of summary.rows) if (isGrade(r[0] ?? '')) counts[r[0] as Grade] = Math.max(0, Number.parseInt(r[1] ?? '0', 10) || 0);
    return counts;
  }
  for (const b of blocks) if (b.kind === 'table') for (const r of b.rows) for (const c of r) if (isGrade(c)) counts[c]++;
  return counts;
}

type Doc = PDFKit.PDFDocument;

function bottom(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

function ensureSpace(doc: Doc, h: number): void {
  if (doc.y + h > bottom(doc)) doc.addPage();
}

/** FAIL then WARN rows of the report's grade tables (first column a grade), for the title page. */
export function attentionRows(blocks: readonly Block[], max = 12): string[][] {
  const rows = blocks.flatMap((b) => (b.kind === 'table' && /^grade$/i.test(b.header[0] ?? '') && !/^count$/i.test(b.header[1] ?? '') ? b.rows : []));
  return [...rows.filter((r) => r[0] === 'FAIL'), ...rows.filter((r) => r[0] === 'WARN')].slice(0, max);
}

function titlePage(doc: Doc, input: PdfInput, counts: GradeCounts, attention: string[][]): boolean {
  let logoEmbedded = false;
  const logo = input.logo;
  if (logo?.ok) {
    try {
      doc.image(logo.data, MARGIN, MARGIN, { fit: [96, 96] });
      logoEmbedded = true;
    } catch (err) {
      input.onLogoSkipped?.(`logo could not be decoded: ${(err as Error).message.slice(0, 200)}`);
    }
  } else if (logo && logo.present) {
    input.onLogoSkipped?.(logo.reason);
  }
  const width = doc.page.width - 2 * MARGIN;
  doc.font('Helvetica-Bold').fontSize(22).fillColor('#111111').text(pdfSafeText(input.title), MARGIN, 170, { width });
  doc.moveDown(0.4).font('Helvetica').fontSize(10).fillColor('#555555')
    .text(`Client: ${pdfSafeText(input.client)}    Generated: ${input.generatedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC    by aibridge`, { width });
  doc.moveDown(2).font('Helvetica-Bold').fontSize(13).fillColor('#111111').text('Grades', { width });
  const max = Math.max(1, ...GRADES.map((g) => counts[g]));
  const barMax = width - 140;
  let y = doc.y + 10;
  for (const g of GRADES) {
    doc.rect(MARGIN, y + 4, 14, 14).fill(input.colors[g]);
    doc.font('Helvetica-Bold').fontSize(11).fillColor('#111111').text(g, MARGIN + 22, y + 6, { width: 50, lineBreak: false });
    const w = Math.round((counts[g] / max) * barMax);
    if (w > 0) doc.rect(MARGIN + 80, y, w, 22).fill(input.colors[g]);
    doc.font('Helvetica').fontSize(11).fillColor('#111111').text(String(counts[g]), MARGIN + 86 + w, y + 6, { width: 50, lineBreak: false });
    y += 32;
  }
  const total = GRADES.reduce((n, g) => n + counts[g], 0);
  doc.font('Helvetica').fontSize(10).fillColor('#555555').text(`${total} graded result${total === 1 ? '' : 's'}: ${GRADES.map((g) => `${counts[g]} ${g}`).join(', ')}`, MARGIN, y + 10, { width });
  if (attention.length) {
    doc.moveDown(1.5).font('Helvetica-Bold').fontSize(13).fillColor('#111111').text('Needs attention', MARGIN, doc.y, { width });
    doc.moveDown(0.3);
    for (const r of attention) {
      if (doc.y > bottom(doc) - 30) break;
      const g = r[0] as Grade;
      const yy = doc.y;
      doc.rect(MARGIN, yy, 36, 12).fill(input.colors[g]);
      doc.font('Helvetica-Bold').fontSize(8).fillColor('#111111').text(g, MARGIN + 4, yy + 2, { width: 32, lineBreak: false });
      const text = r.slice(1).join(' - ');
      doc.font('Helvetica').fontSize(9).text(text.length > 160 ? `${text.slice(0, 160)}...` : text, MARGIN + 44, yy + 1, { width: width - 44 });
      doc.y = Math.max(doc.y, yy + 14) + 3;
    }
  }
  return logoEmbedded;
}

function heading(doc: Doc, b: Extract<Block, { kind: 'heading' }>): void {
  const size = [0, 18, 15, 13, 12, 11, 10][b.level] ?? 10;
  ensureSpace(doc, size * 3);
  doc.moveDown(b.level <= 2 ? 0.8 : 0.5).font('Helvetica-Bold').fontSize(size).fillColor('#111111').text(b.text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.3);
}

function table(doc: Doc, b: Extract<Block, { kind: 'table' }>, colors: ChartColors): void {
  const width = doc.page.width - 2 * MARGIN;
  const cols = Math.max(b.header.length, ...b.rows.slice(0, 500).map((r) => r.length));
  const size = cols > 8 ? 7 : 8.5;
  doc.font('Helvetica').fontSize(size);
  const sample = b.rows.slice(0, 300);
  const natural = Array.from({ length: cols }, (_v, i) => Math.min(260, Math.max(24, doc.widthOfString(b.header[i] ?? '') + 10, ...sample.map((r) => doc.widthOfString((r[i] ?? '').slice(0, 200)) + 10))));
  const sum = natural.reduce((a, c) => a + c, 0);
  const widths = natural.map((w) => (w / sum) * width);
  const cell = (t: string): string => (t.length > MAX_CELL_CHARS ? `${t.slice(0, MAX_CELL_CHARS)} ...[cut at ${MAX_CELL_CHARS} characters]` : t);
  // Most cells fit on one line: measure the width (cheap) before asking pdfkit to wrap (costly).
  const drawRow = (cells: string[], header: boolean): void => {
    const font = header ? 'Helvetica-Bold' : 'Helvetica';
    doc.font(font).fontSize(size);
    const line = doc.currentLineHeight(true);
    const texts = widths.map((_w, i) => cell(cells[i] ?? ''));
    const oneLine = texts.map((t, i) => t.length < 200 && doc.widthOfString(t) <= widths[i]! - 6);
    const h = Math.max(...texts.map((t, i) => (oneLine[i] ? line : doc.heightOfString(t, { width: widths[i]! - 6 })))) + 6;
    if (doc.y + h > bottom(doc)) { doc.addPage(); if (!header) drawRow(b.header, true); doc.font(font).fontSize(size); }
    const y = doc.y;
    let x = MARGIN;
    widths.forEach((w, i) => {
      const t = texts[i]!;
      if (header) doc.rect(x, y, w, h).fill('#E6E9EE');
      else if (isGrade(t)) doc.rect(x + 1, y + 1, w - 2, h - 2).fill(colors[t]);
      doc.rect(x, y, w, h).lineWidth(0.4).stroke('#B0B6BF');
      doc.fillColor('#111111');
      if (oneLine[i]) doc.text(t, x + 3, y + 3, { lineBreak: false }); else doc.text(t, x + 3, y + 3, { width: w - 6 });
      x += w;
    });
    doc.x = MARGIN;
    doc.y = y + h;
  };
  ensureSpace(doc, 40);
  drawRow(b.header, true);
  for (const r of b.rows) drawRow(r, false);
  doc.moveDown(0.6);
}

function block(doc: Doc, b: Block, colors: ChartColors): void {
  const width = doc.page.width - 2 * MARGIN;
  switch (b.kind) {
    case 'heading': heading(doc, b); return;
    case 'paragraph': doc.font('Helvetica').fontSize(10).fillColor('#111111').text(b.text, MARGIN, doc.y, { width }); doc.moveDown(0.5); return;
    case 'list':
      doc.font('Helvetica').fontSize(10).fillColor('#111111');
      b.items.forEach((item, i) => {
        ensureSpace(doc, 14);
        const y = doc.y;
        doc.text(b.ordered ? `${i + 1}.` : '-', MARGIN + 4, y, { width: 18, lineBreak: false });
        doc.text(item, MARGIN + 22, y, { width: width - 22 });
      });
      doc.moveDown(0.5);
      return;
    case 'code':
      doc.font('Courier').fontSize(8).fillColor('#333333');
      for (const line of b.lines) doc.text(line === '' ? ' ' : line, MARGIN + 8, doc.y, { width: width - 8 });
      doc.moveDown(0.5);
      return;
    case 'table': table(doc, b, colors); return;
    case 'rule': ensureSpace(doc, 12); doc.moveTo(MARGIN, doc.y + 4).lineTo(MARGIN + width, doc.y + 4).lineWidth(0.6).stroke('#999999'); doc.moveDown(0.8); return;
  }
}

function pageNumbers(doc: Doc, title: string): number {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would add a page: lift the margin for the footer only.
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#777777')
      .text(`${pdfSafeText(title).slice(0, 90)}  -  Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - 30, { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false });
  }
  return range.count;
}

/**
 * pdfkit (with fontkit, its Unicode tables and the standard fonts) is loaded on the first PDF, not
 * at start-up: loading it is a measurable part of `serve`'s start (bench/startup.ts), for a
 * feature used now and then.
 */
const loadPdfkit = () => import('pdfkit');
let pdfkit: ReturnType<typeof loadPdfkit> | undefined;

/** Render a report; resolves with the whole PDF in memory (written atomically by the store). */
export async function renderReportPdf(input: PdfInput): Promise<PdfOutput> {
  const PDFDocument = (await (pdfkit ??= loadPdfkit())).default;
  const blocks = parseMarkdown(input.markdown);
  const counts = countGrades(blocks);
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, autoFirstPage: true, info: { Title: pdfSafeText(input.title), Author: 'aibridge', Creator: 'aibridge', CreationDate: input.generatedAt } });
    const chunks: Buffer[] = [];
    let pages = 1;
    doc.on('pageAdded', () => { pages++; });
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('error', reject);
    try {
      const logoEmbedded = titlePage(doc, input, counts, attentionRows(blocks));
      doc.addPage();
      for (const b of blocks) {
        block(doc, b, input.colors);
        if (pages > MAX_PAGES) throw new AppError('E_INPUT_INVALID', `Report needs more than ${MAX_PAGES} PDF pages`, { hint: 'split it into several reports' });
      }
      const n = pageNumbers(doc, input.title);
      doc.on('end', () => resolve({ pdf: Buffer.concat(chunks), pages: n, counts, logoEmbedded }));
      doc.end();
    } catch (err) {
      reject(err);
    }
  });
}
