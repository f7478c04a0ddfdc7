/** @module `aibridge integrity`: verify the signed manifest and every shipped file of the install. */
import { existsSync } from 'node:fs';
import type { Command } from './command.ts';
import { flagBool } from './command.ts';
import { runIntegrityCheck } from '../ops/integrity/run-integrity.ts';

export const INTEGRITY_COMMAND: Command = {
  name: 'integrity',
  summary: 'Verify manifest.sig (embedded release key) and the SHA-512 of every shipped file',
  help: [
    'Usage: aibridge integrity [--dir DIR] [--json]',
    '',
    'Checks that manifest.json is signed (RSA-PSS/SHA-512) by the release key built into this binary,',
    'then that every file it lists matches its SHA-512. Lists each missing, altered or unlisted file',
    'with the expected and actual hash. The files include the signed SBOM (aibridge.cdx.json).',
    'When DIR has no manifest.json, the release folder of the running binary is checked (container layout).',
    '',
    'Exit codes: 0 intact, 1 a problem (also audited), 2 usage error.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  async run(ctx) {
    const r = await runIntegrityCheck(ctx.dir, { audit: existsSync(ctx.dir) });
    if (flagBool(ctx.values, 'json')) {
      ctx.out(JSON.stringify({ ok: r.ok, folder: r.folder, signature: r.signature, version: r.version ?? null, files_checked: r.checked, problems: r.problems, ...(r.error ? { error: r.error } : {}) }, null, 2));
      return r.ok ? 0 : 1;
    }
    if (r.ok) {
      ctx.out(`integrity: OK: manifest signed by the release key, ${r.checked} files verified (version ${r.version ?? '?'})${r.folder !== ctx.dir ? ` in the release folder ${r.folder}` : ''}`);
      return 0;
    }
    ctx.err(`integrity: FAILED in ${r.folder}`);
    for (const line of r.lines) ctx.err(`integrity: ${line}`);
    return 1;
  },
};
