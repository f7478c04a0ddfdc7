import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReportName, newReportName, pdfNameOf } from './report-name.ts';

test('checkReportName() accepts bare names with or without an extension', () => {
  assert.equal(checkReportName('20261201-101500-health'), '20261201-101500-health.md');
  assert.equal(checkReportName('a.md'), 'a.md');
  assert.equal(checkReportName('a.pdf'), 'a.md');
  assert.equal(pdfNameOf('a.md'), 'a.pdf');
});

test('checkReportName() refuses traversal, separators and odd characters', () => {
  const bad = ['../alice/reports/x.md', '..', '.hidden.md', 'a/b.md', 'a\\b.md', '/etc/passwd', 'x\u0000.md', 'x%2f..%2fy.md',
    'é.md', 'a b.md', '', 'x'.repeat(200), 'C:\\x.md', 'a..b.md', 'x.md\n', '-x.md'];
  for (const b of bad) assert.throws(() => checkReportName(b), (e: Error & { code?: string }) => e.code === 'E_INPUT_INVALID', b);
});

test('newReportName() is sortable and safe for any title', () => {
  const n = newReportName('Cluster health: lab-cucm / ../../etc', new Date('2026-12-01T14:30:05Z'));
  assert.equal(n, '20261201-143005-cluster-health-lab-cucm-etc.md');
  assert.equal(checkReportName(n), n);
  assert.equal(newReportName('日本', new Date('2026-12-01T14:30:05Z')), '20261201-143005-report.md');
});
