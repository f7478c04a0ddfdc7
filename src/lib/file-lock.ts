/**
 * @module A cross-process lock file (O_EXCL create holding our pid). Used where two processes
 * may append to the same file, e.g. `aibridge serve` and `aibridge credentials` both auditing.
 * A lock whose owner process is gone is taken over.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync, constants } from 'node:fs';
import { AppError } from './errors.ts';

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Run `fn` while holding `lockPath`; waits up to `timeoutMs`. */
export function withFileLockSync<T>(lockPath: string, fn: () => T, timeoutMs = 5000): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      let ageMs = 0;
      try { owner = Number(readFileSync(lockPath, 'utf8') || 'NaN'); ageMs = Date.now() - statSync(lockPath).mtimeMs; } catch { continue; /* vanished: retry */ }
      // A holder killed between creating the file and writing its pid leaves it empty: stale after 2 s.
      const stale = Number.isInteger(owner) && owner > 0 ? !isAlive(owner) : ageMs > 2000;
      if (stale) {
        try { unlinkSync(lockPath); } catch { /* someone else took it over */ }
        continue;
      }
      if (Date.now() > deadline) {
        throw new AppError('E_AUDIT_WRITE', `Cannot lock "${lockPath}": held by process ${owner}`, { hint: 'wait for that process or remove the stale lock file' });
      }
      sleepSync(2);
    }
  }
  try { return fn(); } finally { try { unlinkSync(lockPath); } catch { /* already gone */ } }
}
