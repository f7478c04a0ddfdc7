/**
 * @module Read a password for the CLI: from a terminal without echo, or as one line from stdin
 * when stdin is a pipe (so scripts can pass it without putting it on the command line).
 */
import { AppError } from '../lib/errors.ts';

function fromPipe(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (): void => {
      input.off('data', onData); input.off('end', done); input.off('error', reject);
      input.pause();
      resolve(buf.split(/\r?\n/)[0] ?? '');
    };
    const onData = (d: Buffer | string): void => {
      buf += d.toString();
      if (buf.includes('\n') || buf.length > 4096) done();
    };
    input.on('data', onData); input.on('end', done); input.on('error', reject);
    input.resume();
  });
}

function fromTerminal(input: NodeJS.ReadStream, prompt: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    prompt('Password: ');
    input.setRawMode(true);
    input.setEncoding('utf8');
    const finish = (err?: Error): void => {
      input.setRawMode(false); input.off('data', onData); input.pause();
      prompt('\n');
      if (err) reject(err); else resolve(buf);
    };
    const onData = (s: string): void => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new AppError('E_USAGE', 'Cancelled'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1); else buf += ch;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

/** The password typed or piped; refuses an empty one. */
export async function readPassword(input: NodeJS.ReadStream, prompt: (text: string) => void): Promise<string> {
  const pw = input.isTTY ? await fromTerminal(input, prompt) : await fromPipe(input);
  if (pw === '') throw new AppError('E_USAGE', 'No password given', { hint: 'type it at the prompt, or pipe it as one line: printf "%s\\n" "$PW" | aibridge credentials set …' });
  return pw;
}
