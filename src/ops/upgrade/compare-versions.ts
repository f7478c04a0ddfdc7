/**
 * @module Semantic version order (SemVer 2.0.0 §11, via `semver`): numeric pre-release
 * identifiers compare as numbers, so 1.0.0-rc.10 is newer than 1.0.0-rc.9 and the downgrade
 * guard holds for pre-releases. A version that is not SemVer is refused, never guessed.
 */
import semver from 'semver';
import { AppError } from '../../lib/errors.ts';

function valid(v: string): string {
  const s = semver.valid(v);
  if (!s) throw new AppError('E_UPGRADE', `"${v.slice(0, 64)}" is not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE])`, { hint: 'use a package built by scripts/release-package.ts' });
  return s;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  return semver.compare(valid(a), valid(b));
}
