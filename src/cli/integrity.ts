/** @module `aibridge integrity`: verify the signed manifest and every shipped file of the install. */
import { existsSync } from 'node:fs';
import type { Command } from './command.ts';
import { runIntegrityCheck } from '../ops/integrity/run-integrity.ts';

export const INTEGRITY_COMMAND: Command = {
  name: 'integrity',
  summary: 'Verify manifest.sig (embedded release key) and the SHA-512 of every shipped file',
  help: [
    'Usage: aibridge integrity [--dir DIR]',
    '',
    'Checks that manifest.json is signed (RSA-PSS/SHA-512) by the release key built into this binary,',
    'then that every file it lists matches its SHA-512. Lists each missing, altered or unlisted file',
    'with the expected and actual hash. Exit 0 when intact, 1 otherwise (also audited).',
  ].join('\n'),
  options: {},
  async run(ctx) {
    const r = await runIntegrityCheck(ctx.dir, { audit: existsSync(ctx.dir) });
    if (r.ok) {
      ctx.out(`integrity: OK: manifest signed by the release key, ${r.checked} files verified (version ${r.version ?? '?'})`);
      return 0;
    }
    ctx.err(`integrity: FAILED in ${ctx.dir}`);
    for (const line of r.lines) ctx.err(`integrity: ${line}`);
    return 1;
  },
};
