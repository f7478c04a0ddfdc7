/**
 * @module Recognise what a Cisco platform CLI is waiting for at the end of its output (UNICON
 * patterns.py, samples/cli): the `admin:` prompt, both pagers, and any other prompt, and clean
 * the output for an agent.
 *
 * Rule for prompts other than `admin:` and the pagers: aibridge never types an answer that could
 * change anything. A known prompt is recognised at once; an unknown one is "output stopped
 * without the CLI prompt and the last line ends with `:`, `?` or `)`". Each gets a safe key
 * (`q` for menus that offer it, `no`/`n` for confirmations, Ctrl-C otherwise) and the call
 * returns `declined` with the prompt text.
 */
import { plainText, stripEscapes } from './terminal-text.ts';

/** `admin:` at the start of a line, possibly after ESC[K (UNICON: `([\r\n]|\x1b\[K)admin:\s*`). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
export const PROMPT = /(?:^|[\r\n]|\x1b\[K)admin:\s*$/;
/** The VOS pager in its wordings: `for 1 line` / `for one line`, `for one page` / `for 1 page`. */
export const PAGER = /Press <enter> for (?:1|one) line, <space> for (?:1|one) page, or <q> to quit/gi;
/** The `file view` pager, with its position; tested on text without escapes. */
export const FILE_PAGER = /options: q=quit, n=next, p=prev, b=begin, e=end \(lines (\d+) - (\d+) of (\d+)\)\s*:\s*$/;
const FAILURE = /Executed command unsuccessfully|No valid command entered|Invalid command|Command not found/i;

export interface FilePagerPosition { first: number; last: number; total: number }

export type PromptKind = 'menu' | 'yes_no' | 'y_n' | 'password' | 'any_key' | 'other';

export interface PendingPrompt {
  kind: PromptKind;
  /** The prompt line as the node printed it (plain text). */
  text: string;
  /** What aibridge types to leave the prompt without consequences. */
  answer: string;
}

/** Last line of raw output, as plain text. */
export function lastLine(raw: string): string {
  const t = stripEscapes(raw.slice(-2000)).replace(/\r+\n/g, '\n').replace(/\r/g, '\n');
  const lines = t.split('\n');
  return (lines[lines.length - 1] ?? '').trimEnd();
}

export function atPrompt(raw: string): boolean {
  return PROMPT.test(raw.slice(-300));
}

export function atPager(raw: string): boolean {
  PAGER.lastIndex = 0;
  const tail = stripEscapes(raw.slice(-300));
  const m = [...tail.matchAll(PAGER)].pop();
  return m !== undefined && tail.slice(m.index + m[0].length).trim() === '';
}

export function atFilePager(raw: string): FilePagerPosition | undefined {
  const m = FILE_PAGER.exec(stripEscapes(raw.slice(-400)));
  return m ? { first: Number(m[1]), last: Number(m[2]), total: Number(m[3]) } : undefined;
}

const KNOWN: ReadonlyArray<{ re: RegExp; kind: PromptKind; answer: string }> = [
  { re: /select an option\b.*\(.*"?q"?\s*\)\s*:?$/i, kind: 'menu', answer: 'q\r' },
  { re: /\bpassword\s*:$/i, kind: 'password', answer: '\x03' },
  { re: /\(yes\/no\)\s*\??\s*:?$/i, kind: 'yes_no', answer: 'no\r' },
  { re: /\(y\/n\)\s*\??\s*:?$/i, kind: 'y_n', answer: 'n\r' },
  { re: /press any key\b.*$/i, kind: 'any_key', answer: '\x03' },
];

/** A prompt recognised from its wording alone (no need to wait for the output to stop). */
export function knownPrompt(raw: string): PendingPrompt | undefined {
  if (atPrompt(raw)) return undefined;
  const line = lastLine(raw).trim();
  if (line === '') return undefined;
  const k = KNOWN.find((p) => p.re.test(line));
  return k ? { kind: k.kind, text: line.slice(-300), answer: k.answer } : undefined;
}

/** Called once output has stopped for a while without `admin:`: is the last line a question? */
export function quietPrompt(raw: string): PendingPrompt | undefined {
  const known = knownPrompt(raw);
  if (known) return known;
  if (atPrompt(raw)) return undefined;
  const line = lastLine(raw).trim();
  if (!/[:?)]$/.test(line)) return undefined;
  return { kind: 'other', text: line.slice(-300), answer: '\x03' };
}

/** What the agent is told to do about a prompt it met. */
export function promptAdvice(p: PendingPrompt): string {
  switch (p.kind) {
    case 'menu': return 'the command shows an interactive menu; aibridge left it with "q". Run it on the node\'s console, or use a non-interactive form of the command';
    case 'password': return 'the command asks for a password, which aibridge never types; run it on the node\'s console';
    case 'yes_no': case 'y_n': return 'the command asks for confirmation, which aibridge never gives (answered no); run it on the node\'s console if it is really wanted';
    case 'any_key': return 'the command paused for a key; aibridge stopped it with Ctrl-C';
    default: return 'the command waits for input aibridge does not give; it was stopped with Ctrl-C. Run it on the node\'s console';
  }
}

/** Remove the VOS pager prompts from raw output (their text is not part of the answer). */
export function dropPagers(raw: string): string {
  // eslint-disable-next-line no-control-regex, security/detect-unsafe-regex -- matching control characters is the point here: they are refused or stripped; checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
  return raw.replace(/(?:\x1b\[[0-9;]*m)*Press <enter> for (?:1|one) line, <space> for (?:1|one) page, or <q> to quit(?:\x1b\[[0-9;]*[mK])*/gi, '');
}

/** Output as an agent should see it: no pager prompts, escapes, echo or final prompt; LF only. */
export function cleanOutput(raw: string, command: string): string {
  const lines = plainText(dropPagers(raw)).split('\n');
  if (lines.length && (lines[0]!.trim() === command || lines[0]!.trim() === `admin:${command}` || lines[0]!.trim().endsWith(command))) lines.shift();
  while (lines.length && /^\s*(admin:)?\s*$/.test(lines[lines.length - 1]!)) lines.pop();
  return lines.join('\n').trimEnd();
}

export function looksFailed(output: string): boolean {
  return FAILURE.test(output);
}
