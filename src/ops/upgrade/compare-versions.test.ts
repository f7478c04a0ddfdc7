import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions } from './compare-versions.ts';
import { AppError } from '../../lib/errors.ts';

test('compareVersions() orders releases and pre-releases by SemVer, numeric identifiers as numbers', () => {
  const ordered = ['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.2', '1.0.0-rc.9', '1.0.0-rc.10', '1.0.0', '1.0.1', '1.10.0', '10.0.0'];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      assert.equal(Math.sign(compareVersions(ordered[i]!, ordered[j]!)), Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  }
  assert.equal(compareVersions('1.0.0+build.1', '1.0.0'), 0, 'build metadata does not order');
  for (const bad of ['1.0', 'v1.0.0.0', '', 'latest', '1.0.0-']) assert.throws(() => compareVersions(bad, '1.0.0'), (e: unknown) => e instanceof AppError && e.code === 'E_UPGRADE');
});
