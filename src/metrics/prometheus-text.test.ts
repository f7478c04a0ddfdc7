import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renderPrometheus } from './prometheus-text.ts';
import { AibridgeMetrics } from './aibridge-metrics.ts';
import { Metrics } from './metrics.ts';

test('renderPrometheus() escapes label values and help text', () => {
  const text = renderPrometheus([{ name: 'x_total', help: 'a\\b\nc', type: 'counter', samples: [{ labels: { client: 'a"b\\c\nd' }, value: 2 }] }]);
  assert.equal(text, '# HELP x_total a\\\\b\\nc\n# TYPE x_total counter\nx_total{client="a\\"b\\\\c\\nd"} 2\n');
  assert.match(renderPrometheus([{ name: 'g', help: 'h', type: 'gauge', samples: [{ labels: {}, value: NaN }, { labels: { a: '1' }, value: Infinity }] }]), /^g NaN\ng\{a="1"\} \+Inf$/m);
});

test('AibridgeMetrics output passes promtool check metrics', (t) => {
  const m = new AibridgeMetrics();
  m.toolCall('alice', 'aibridge_whoami', 'ok');
  m.toolCall('alice', 'cucm_cli', 'denied');
  m.authFailure();
  m.authFailure('olga');
  m.rateLimited('carol', 'cucm', 'axl');
  m.sessionRefused('client_cap');
  m.toolCallDuration('cucm', 'axl', 0.012);
  m.toolCallDuration('cucm', 'serviceability.logs', 42);
  const text = renderPrometheus(m.families());
  assert.match(text, /^aibridge_auth_failures_total\{client="olga"\} 1$/m);
  assert.match(text, /^aibridge_build_info\{version="[^"]+"\} 1$/m);
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) { t.skip('promtool is not installed (Debian package prometheus)'); return; }
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no lint findings');
});

test('a histogram counts each observation in the first bucket whose bound it does not exceed, exposed cumulatively', () => {
  const m = new Metrics();
  assert.throws(() => m.declareHistogram('bad_seconds', 'h', [1, 1]), /strictly ascending/);
  assert.throws(() => m.declareHistogram('bad_seconds', 'h', [1, Infinity]), /finite/);
  assert.throws(() => m.observe('undeclared_seconds', {}, 1), /not declared/);
  m.declareHistogram('x_seconds', 'latency', [0.1, 1]);
  for (const v of [0.1, 0.5, 1, 3, NaN]) m.observe('x_seconds', { category: 'axl' }, v);
  assert.equal(m.observations('x_seconds', { category: 'axl' }), 4, 'NaN is not an observation');
  assert.equal(renderPrometheus(m.families()), [
    '# HELP x_seconds latency', '# TYPE x_seconds histogram',
    'x_seconds_bucket{category="axl",le="0.1"} 1', 'x_seconds_bucket{category="axl",le="1"} 3', 'x_seconds_bucket{category="axl",le="+Inf"} 4',
    'x_seconds_sum{category="axl"} 4.6', 'x_seconds_count{category="axl"} 4', '',
  ].join('\n'));
});
