/**
 * @module Commands that write state run as the install's owner (issue #12 item 17). Rule: when
 * the install folder exists and is owned by another user than the one running the command (root
 * included), the command refuses before touching anything and prints the exact line to use,
 * because files created as root make the service user's server fail ("Internal error",
 * credentials "missing"). The owner is the owner of the install folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { AppError } from '../lib/errors.ts';

/** Commands that only read the install (or run something unrelated to it) and may run as anyone. */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(['audit verify', 'audit export', 'clients list', 'credentials list', 'doctor', 'fail2ban list', 'integrity', 'lab', 'license show', 'sftp-password verify']);

/** User name for `uid` from /etc/passwd, or the number. */
export function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[2] === String(uid) && f[0]) return f[0];
    }
  } catch { /* no passwd file */ }
  return String(uid);
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Throw E_FORBIDDEN with the `sudo -u OWNER …` line when this process is not the owner of `root`. */
export function checkInstallOwner(root: string, argv: readonly string[], uid: number | undefined = process.getuid?.()): void {
  if (uid === undefined || !existsSync(root)) return;
  const owner = statSync(root).uid;
  if (owner === uid) return;
  const name = userName(owner);
  const args = argv.includes('--dir') ? argv : [...argv, '--dir', root];
  throw new AppError('E_FORBIDDEN', `This install (${root}) belongs to "${name}", but this command runs as "${userName(uid)}"; files it writes would belong to the wrong user`, {
    hint: `run it as the owner: sudo -u ${name} ${[process.argv0.endsWith('aibridge') ? process.argv0 : 'aibridge', ...args].map(shellQuote).join(' ')}`,
  });
}
