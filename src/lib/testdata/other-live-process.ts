/**
 * @module Test helper: another live process (an idle Node) whose pid a lock test can write into a
 * lock or pid file, to show that a live pid alone — or a live pid with another start time — is
 * never taken for the owner. Killed when the test body ends, however it ends.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export async function withOtherLiveProcess<T>(body: (pid: number, child: ChildProcess) => T | Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    // 'spawn' is emitted once the child has exec'd: its pid and start time are its own from then on.
    await once(child, 'spawn');
    return await body(child.pid as number, child);
  } finally { child.kill('SIGKILL'); }
}
