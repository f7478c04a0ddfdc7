import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renderPrometheus } from './prometheus-text.ts';
import { AibridgeMetrics } from './aibridge-metrics.ts';

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
  const text = renderPrometheus(m.families());
  assert.match(text, /^aibridge_auth_failures_total\{client="olga"\} 1$/m);
  assert.match(text, /^aibridge_build_info\{version="[^"]+"\} 1$/m);
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) { t.skip('promtool is not installed (Debian package prometheus)'); return; }
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no lint findings');
});
