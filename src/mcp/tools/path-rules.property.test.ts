/**
 * Property tests for the rules that turn a name from an agent or a node into a path (T-IN-46
 * style, seeded so a failure reproduces): for tens of thousands of generated strings, each rule
 * either refuses the value or returns one that stays where it must. Strings are built from the
 * pieces traversal is made of (separators, dots, encodings, look-alikes, controls) around valid
 * names, so most of them are near misses rather than noise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname, join, posix } from 'node:path';
import { AppError } from '../../lib/errors.ts';
import { checkLogFileName, isSafeReportedFile, ReportedLogFiles } from './serviceability-common.ts';
import { checkReportName, newReportName } from '../../reports/report-name.ts';
import { cdrFilePath } from '../../cisco/serviceability/cdr-on-demand.ts';

const PIECES = [
  '/', '//', '\\', '.', '..', '...', '/..', '../', './', '%2e', '%2f', '%2E%2E', '%00', '\u0000', '\n', '\r', '\t', '~', ' ',
  '\uff0e', '\uff0f', '\u2024', '\u2215', '\u00e9', ':', '@', '+', '-', '_', '*', '?', '"', "'", '$', '`', ';', '|',
  '/var/log/active/', '/var/log/inactive/', '/var/log/activex/', '/var/log/', '/etc/', 'passwd', 'shadow', 'cm/trace/ccm/sdl/',
  'SDL001_100_000012.txt', 'x.gz', 'report', '.md', '.pdf', 'cdr_StandAloneCluster_01_202612011505_12', 'cmr_', '_01_', '202612011505',
  'A', 'z', '0', '9',
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function strings(seed: number, count: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const n = 1 + Math.floor(r() * 7);
    for (let k = 0; k < n; k++) s += r() < 0.85 ? PIECES[Math.floor(r() * PIECES.length)]! : String.fromCharCode(Math.floor(r() * 0x3000));
    out.push(s);
  }
  return out;
}

const refusedAsInput = (e: unknown): boolean => e instanceof AppError && (e.code === 'E_FORBIDDEN' || e.code === 'E_INPUT_INVALID');

test('checkLogFileName: an accepted path is absolute under a log folder and already normal, or a bare name', () => {
  let accepted = 0;
  for (const s of strings(46_001, 40_000)) {
    try { checkLogFileName(s); } catch (e) { assert.ok(refusedAsInput(e), `${JSON.stringify(s)}: ${String(e)}`); continue; }
    accepted++;
    assert.doesNotMatch(s, /[\u0000-\u001f\u007f\\~]/, JSON.stringify(s));
    if (s.startsWith('/')) {
      assert.equal(posix.normalize(s), s, `not normal: ${JSON.stringify(s)}`);
      assert.ok(s.startsWith('/var/log/active/') || s.startsWith('/var/log/inactive/'), JSON.stringify(s));
    } else {
      assert.equal(basename(s), s, JSON.stringify(s));
      assert.ok(s !== '.' && s !== '..', JSON.stringify(s));
    }
  }
  assert.ok(accepted > 100, `the generator reached valid names too (${accepted})`);
});

test('a node-reported file is remembered only when its name, joined into the downloads folder, stays in it', () => {
  const downloads = '/srv/aibridge/clients/alice/downloads/cucm-pub';
  const r = rng(46_002);
  const paths = strings(46_003, 20_000);
  const names = strings(46_004, 20_000);
  const reported = new ReportedLogFiles();
  let kept = 0;
  for (let i = 0; i < paths.length; i++) {
    const path = r() < 0.5 ? paths[i]! : `/var/log/active/${paths[i]!.replace(/^\/+/, '')}`;
    // Half the time the name is the path's own last segment (what a sane node sends), else anything.
    const name = r() < 0.5 ? path.slice(path.lastIndexOf('/') + 1) : names[i]!;
    const file = { name, path, size: 1, modified: '2026-12-01T00:00:00Z', service: 'x' };
    if (!isSafeReportedFile(file)) continue;
    kept++;
    assert.equal(dirname(join(downloads, basename(file.path))), downloads, JSON.stringify(file));
    assert.equal(basename(file.path), file.name, JSON.stringify(file));
    reported.remember('alice', 'cucm-pub', [file]);
  }
  assert.ok(kept > 100, `the generator reached valid files too (${kept})`);
  // Whatever was offered, a lookup only ever yields a file that passes the rule.
  for (const q of [...paths.slice(0, 3000), ...names.slice(0, 3000)]) {
    const f = reported.find('alice', 'cucm-pub', q);
    if (f) assert.ok(isSafeReportedFile(f), JSON.stringify(f));
  }
});

test('hostile node answers are never remembered: "..", a path outside the log folders, a name that is not the path', () => {
  const reported = new ReportedLogFiles();
  const hostile = [
    { name: '..', path: '/var/log/active/..' }, { name: '.', path: '/var/log/active/.' },
    { name: 'passwd', path: '/etc/passwd' }, { name: 'shadow', path: '/var/log/active/x/../../../etc/shadow' },
    { name: 'innocent.txt', path: '/var/log/active/syslog/messages' }, { name: 'a\u0000b', path: '/var/log/active/a\u0000b' },
    { name: 'x', path: 'x' }, { name: '', path: '/var/log/active/' },
  ];
  reported.remember('alice', 'n', hostile.map((h) => ({ ...h, size: 1, modified: '', service: 's' })));
  for (const h of hostile) {
    assert.equal(reported.find('alice', 'n', h.name), undefined, JSON.stringify(h));
    assert.equal(reported.find('alice', 'n', h.path), undefined, JSON.stringify(h));
  }
  const good = { name: 'SDL001_100_000012.txt', path: '/var/log/active/cm/trace/ccm/sdl/SDL001_100_000012.txt', size: 1, modified: '', service: 's' };
  reported.remember('alice', 'n', [good]);
  assert.deepEqual(reported.find('alice', 'n', good.name), good);
});

test('checkReportName: an accepted name is one plain segment ending in .md; every generated title makes such a name', () => {
  const dir = '/srv/aibridge/clients/alice/reports';
  let accepted = 0;
  for (const s of strings(46_005, 40_000)) {
    let name: string;
    try { name = checkReportName(s); } catch (e) { assert.ok(refusedAsInput(e), `${JSON.stringify(s)}: ${String(e)}`); continue; }
    accepted++;
    assert.match(name, /^[A-Za-z0-9][A-Za-z0-9._-]*\.md$/, JSON.stringify(s));
    assert.ok(!name.includes('..'), JSON.stringify(s));
    assert.equal(dirname(join(dir, name)), dir, JSON.stringify(s));
  }
  assert.ok(accepted > 20, `the generator reached valid names too (${accepted})`);
  const now = new Date('2026-12-01T14:30:05Z');
  for (const title of strings(46_006, 5_000)) assert.equal(checkReportName(newReportName(title, now)), newReportName(title, now), JSON.stringify(title));
});

test('cdrFilePath: an accepted name is a CDR/CMR file name; the path is the repository folder plus that name', () => {
  let accepted = 0;
  const r = rng(46_007);
  const valid = (): string => `${r() < 0.5 ? 'cdr' : 'cmr'}_StandAloneCluster_01_2026120${Math.floor(r() * 9)}1505_${Math.floor(r() * 1e6)}`;
  const inputs = [...strings(46_008, 30_000), ...Array.from({ length: 2000 }, () => { const v = valid(); const p = PIECES[Math.floor(r() * PIECES.length)]!; return r() < 0.5 ? v : r() < 0.5 ? v + p : p + v; })];
  for (const s of inputs) {
    let path: string;
    try { path = cdrFilePath(s); } catch (e) { assert.ok(refusedAsInput(e), `${JSON.stringify(s)}: ${String(e)}`); continue; }
    accepted++;
    assert.match(s, /^(cdr|cmr)_[A-Za-z0-9-]+_\d{2}_\d{12}_\d+$/, JSON.stringify(s));
    assert.equal(posix.basename(path), s);
    assert.equal(posix.normalize(path), path);
  }
  assert.ok(accepted > 500, `valid names were accepted (${accepted})`);
});
