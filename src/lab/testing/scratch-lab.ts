/**
 * @module Test helper: a lab in a fresh temporary folder, stopped and its folder removed by
 * `close()` (or, with `withScratchLab`, when the body ends, however it ends).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../start-lab.ts';
import type { RunningLab, StartLabOptions } from '../start-lab.ts';

export interface ScratchLab {
  lab: RunningLab;
  /** The lab's folder (lab.json, lab.env, the CA). */
  dir: string;
  close(): Promise<void>;
}

/** `prefix` names the folder, e.g. 'lab-test-' for /tmp/lab-test-XXXXXX. */
export async function startScratchLab(prefix: string, opts: Omit<StartLabOptions, 'dir'>): Promise<ScratchLab> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const lab = await startLab({ dir, ...opts });
  return { lab, dir, async close() { await lab.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function withScratchLab<T>(prefix: string, opts: Omit<StartLabOptions, 'dir'>, body: (lab: RunningLab, dir: string) => Promise<T>): Promise<T> {
  const s = await startScratchLab(prefix, opts);
  try { return await body(s.lab, s.dir); } finally { await s.close(); }
}
