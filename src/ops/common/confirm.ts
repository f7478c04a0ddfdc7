/** @module Ask for a typed "yes" (one line from the terminal or from stdin); anything else is no. */
import { createInterface } from 'node:readline';

export function confirmTyped(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: false });
    let answered = false;
    output.write(`${question} Type "yes" to continue: `);
    rl.once('line', (line) => { answered = true; rl.close(); resolve(line.trim() === 'yes'); });
    rl.once('close', () => { if (!answered) resolve(false); });
  });
}
