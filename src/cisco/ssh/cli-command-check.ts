/**
 * @module What may be typed into a Cisco platform CLI: one line of printable ASCII, a known verb
 * first, no shell or CLI metacharacters, bounded length (security/TESTING.md T-IN-20…24). Checked
 * before any connection is opened.
 */
import { AppError } from '../../lib/errors.ts';

export const MAX_CLI_COMMAND_LENGTH = 512;

/** First words of the admin CLI (CLI-REF): anything else is not a platform command. */
export const CLI_VERBS = ['show', 'utils', 'file', 'set', 'unset', 'run', 'delete', 'license', 'admin', 'help'] as const;

/**
 * Commands that stop at a password prompt (CLI-REF): aibridge never types a password into a CLI,
 * so they are refused before connecting instead of timing out at the prompt.
 */
const ASKS_FOR_PASSWORD: ReadonlyArray<[string, string]> = [
  ['set password user', 'it asks for the old and new password at a prompt'],
  ['set account name', 'it asks for the new account\'s password at a prompt'],
  ['file get', 'it asks for the SFTP server\'s password at a prompt'],
  ['utils cuc reset password', 'it asks for the new password at a prompt'],
  ['utils sftp handshake', 'it asks for the SFTP server\'s password at a prompt'],
];

function refuse(what: string, hint = 'send one admin CLI command such as "show status"'): AppError {
  return new AppError('E_FORBIDDEN', `Refused CLI command: ${what}`, { hint });
}

/** Normalised command (single spaces), or E_FORBIDDEN (a policy refusal, audited as denied). */
export function checkCliCommand(command: string): string {
  if (command.length > MAX_CLI_COMMAND_LENGTH) throw refuse(`longer than ${MAX_CLI_COMMAND_LENGTH} characters`);
  if (/[\r\n\u0085\u2028\u2029]/.test(command)) throw refuse('it contains a line break; only one command per call is allowed');
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
  if (/[\u0000-\u001f\u007f]/.test(command)) throw refuse('it contains a control character (Ctrl-C, tab, escape…)');
  if (/[^\x20-\x7e]/.test(command)) throw refuse('only printable ASCII characters are allowed');
  const bad = /[;|`&$<>?\\]/.exec(command);
  if (bad) throw refuse(`the character "${bad[0]}" is not allowed`, 'the Cisco CLI needs no shell metacharacters; "?" help is not available through aibridge');
  const norm = command.trim().replace(/ +/g, ' ');
  if (norm === '') throw refuse('it is empty');
  const verb = norm.split(' ')[0]!.toLowerCase();
  if (!(CLI_VERBS as readonly string[]).includes(verb)) throw refuse(`"${verb}" is not an admin CLI verb`, `commands start with one of: ${CLI_VERBS.join(', ')}`);
  for (const word of norm.split(' ').slice(1)) if (word.startsWith('-')) throw refuse(`the argument "${word}" starts with "-"`, 'Cisco CLI arguments never start with "-"');
  const lower = `${norm.toLowerCase()} `;
  const pw = verb === 'help' ? undefined : ASKS_FOR_PASSWORD.find(([p]) => lower.startsWith(`${p} `));
  if (pw) throw refuse(`"${pw[0]}" cannot run through aibridge: ${pw[1]}, and aibridge never types passwords into a CLI`, 'run it on the node\'s console or an SSH session of your own');
  return norm;
}
