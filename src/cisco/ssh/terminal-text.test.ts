import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamDecoder, plainText } from './terminal-text.ts';
import { knownPrompt, quietPrompt, atFilePager, atPager } from './cli-output.ts';

test('a multi-byte character split across packets decodes once, at every split point', () => {
  const text = 'José Zoë Łukasz Dvořák Ōta 李 €';
  const bytes = Buffer.from(text, 'utf8');
  for (let cut = 1; cut < bytes.length; cut++) {
    const d = new StreamDecoder();
    assert.equal(d.write(bytes.subarray(0, cut)) + d.write(bytes.subarray(cut)) + d.end(), text);
  }
  const d = new StreamDecoder();
  assert.equal([...bytes].map((b) => d.write(Uint8Array.of(b))).join('') + d.end(), text, 'one byte per packet');
});

test('every escape sequence is removed: CSI, OSC window titles (BEL and ST), DCS, 8-bit C1, charset selection', () => {
  const cases: Array<[string, string]> = [
    ['\x1b[1mbold\x1b[0m\x1b[K', 'bold'],
    ['\x1b]0;evil title\x07after', 'after'],
    ['\x1b]2;title\x1b\\after', 'after'],
    ['\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', 'link'],
    ['\x1bP1$r0m\x1b\\dcs', 'dcs'],
    ['\x9b31mred\x9b0m', 'red'],
    ['\x1b(Bcharset\x1b)0', 'charset'],
    ['\x1b[?25l\x1b[2J\x1b[H\x1b[38;5;196mc\x1b[0m', 'c'],
    ['a\x1b7b\x1b8c\x1b=d', 'abcd'],
    ['tail\x1b]0;never ends', 'tail'],
    ['bell\x07nul\x00del\x7f', 'bellnuldel'],
    ['crlf\r\nline\rover', 'crlf\nline\nover'],
  ];
  for (const [raw, want] of cases) assert.equal(plainText(raw), want, JSON.stringify(raw));
});

test('prompts: known wordings at once, unknown ones only as "stopped on : ? )", never the admin: prompt', () => {
  assert.equal(knownPrompt('1) Remote\r\nq) quit\r\nPlease select an option (1 - 2 or "q" ): ')?.kind, 'menu');
  assert.equal(knownPrompt('Enter password: ')?.kind, 'password');
  assert.equal(knownPrompt('Continue (y/n)?')?.kind, 'y_n');
  assert.equal(knownPrompt('Are you sure you want to restart (yes/no)? ')?.kind, 'yes_no');
  assert.equal(knownPrompt('Do you want to continue (yes/no) ? ')?.kind, 'yes_no');
  assert.equal(knownPrompt('Paused, press any key to continue')?.kind, 'any_key');
  assert.equal(knownPrompt('output\r\nadmin:'), undefined);
  assert.equal(knownPrompt('still running line'), undefined);
  assert.equal(quietPrompt('Enter the server name:')?.kind, 'other');
  assert.equal(quietPrompt('\x1b[1mWhich one?\x1b[0m')?.kind, 'other');
  assert.equal(quietPrompt('(1) option one)')?.answer, '\x03');
  assert.equal(quietPrompt('a log line that just stopped'), undefined);
  assert.equal(quietPrompt('text\r\nadmin:'), undefined);
  assert.ok(atPager('row\r\n\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K'));
  assert.ok(atPager('row\r\nPress <enter> for one line, <space> for 1 page, or <q> to quit'));
  assert.deepEqual(atFilePager('x\r\n\x1b[1m\r\noptions: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 20 of 189216) : \x1b[0m'), { first: 1, last: 20, total: 189216 });
});
