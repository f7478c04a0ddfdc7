/**
 * @module Files aibridge trusts to decide what it may do (.env, profiles/*.json, the private key).
 * Rule (issue #12 item 6): such a file is used only when it is owned by the user running aibridge
 * (or by root) and is not writable by group or others; otherwise it is refused with a message
 * saying exactly how to fix it, and the caller keeps what it had before. Someone who can edit a
 * profile could otherwise grant an operator executeSQLUpdate.
 */
import type { Stats } from 'node:fs';

/** Why `st` may not be trusted, or undefined when it may. `uid` is the service user (tests inject it). */
export function untrustedReason(st: Pick<Stats, 'uid' | 'mode'>, path: string, uid: number | undefined = process.getuid?.()): string | undefined {
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
    return `${path} is owned by uid ${st.uid}, not by the service user (uid ${uid}) or root; fix with: chown ${uid} '${path}'`;
  }
  if ((st.mode & 0o022) !== 0) {
    return `${path} is writable by ${(st.mode & 0o020) !== 0 ? 'its group' : 'other users'} (mode ${(st.mode & 0o777).toString(8)}); fix with: chmod go-w '${path}'`;
  }
  return undefined;
}
