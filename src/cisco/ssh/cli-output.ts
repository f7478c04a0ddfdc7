/** @module Recognise prompts in Cisco platform CLI output and clean it for an agent (UNICON patterns.py). */

/** `admin:` at the start of a line, possibly after ESC[K (UNICON: `([\r\n]|\x1b\[K)admin:\s*`). */
export const PROMPT = /(?:^|[\r\n]|\x1b\[K)admin:\s*$/;
/** The VOS pager (`Press <enter> for 1 line, <space> for one page, or <q> to quit`). */
export const PAGER = /Press <enter> for 1 line, <space> for one page, or <q> to quit/;
/** The `file view` pager. */
export const FILE_PAGER = /options: q=quit, n=next, p=prev, b=begin, e=end[^\n]*:\s*(?:\x1b\[0m)?\s*$/;
/** Interactive confirmations, never answered (T-IN-27). */
export const CONFIRM = /(\(y\/n\)\s*\??|\(yes\/no\)\s*\?)\s*$/i;
const FAILURE = /Executed command unsuccessfully|No valid command entered|Invalid command|Command not found/i;

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b[()][A-Za-z0-9]/g, '').replace(/\x1b./g, '');
}

/** Output as an agent should see it: no pager prompts, ANSI, echo or final prompt; CRLF → LF. */
export function cleanOutput(raw: string, command: string): string {
  let t = raw.replace(new RegExp(PAGER.source, 'g'), '');
  t = stripAnsi(t).replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex
  t = t.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  const lines = t.split('\n');
  if (lines.length && (lines[0]!.trim() === command || lines[0]!.trim() === `admin:${command}` || lines[0]!.trim().endsWith(command))) lines.shift();
  while (lines.length && /^\s*(admin:)?\s*$/.test(lines[lines.length - 1]!)) lines.pop();
  return lines.join('\n').trimEnd();
}

export function looksFailed(output: string): boolean {
  return FAILURE.test(output);
}
