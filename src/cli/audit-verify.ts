/** @module `aibridge audit verify`: exit 0 on an intact chain, 1 naming the first bad line. */
import { existsSync } from 'node:fs';
import type { Command } from './command.ts';
import { flagBool } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadPublicKey } from '../keys/rsa-key-pair.ts';
import { verifyAuditLog } from '../audit/verify-audit-log.ts';
import { checkpointPath } from '../audit/open-logs.ts';

export const AUDIT_VERIFY_COMMAND: Command = {
  name: 'audit verify',
  summary: 'Verify the hash chain and signed checkpoint of the audit log',
  help: [
    'Usage: aibridge audit verify [--dir DIR] [--also DIR]... [--json]',
    '',
    'Checks every record of LOGGING_DIR/audit.log and its rotated archives: JSON, consecutive',
    'sequence numbers, each record\'s "prev" = SHA-256 of the previous line, and the signed',
    'checkpoint in secrets/audit.checkpoint (detects tail truncation and a rewritten chain).',
    'Exit codes: 0 intact; 1 with the first bad file, line and reason; 2 usage error.',
    'Records written after the last checkpoint cannot be vouched for against truncation.',
    'Several instances: --also DIR (repeatable) verifies the chain of each other install too;',
    'the exit code is 1 when any chain fails.',
  ].join('\n'),
  options: { json: { type: 'boolean' }, also: { type: 'string', multiple: true } },
  async run(ctx) {
    const dirs = [ctx.dir, ...((ctx.values.also as string[] | undefined) ?? [])];
    const results = dirs.map((dir) => {
      const config = loadConfig(dir);
      const publicKey = existsSync(config.paths.rsaPublicKey) ? loadPublicKey(config.paths.rsaPublicKey) : undefined;
      return { dir, r: verifyAuditLog({ logsDir: config.paths.logsDir, checkpointPath: checkpointPath(config), publicKey }) };
    });
    const ok = results.every(({ r }) => r.ok);
    if (flagBool(ctx.values, 'json')) { ctx.out(JSON.stringify(dirs.length === 1 ? results[0]!.r : results, null, 2)); return ok ? 0 : 1; }
    for (const { dir, r } of results) {
      const where = dirs.length > 1 ? ` [${dir}]` : '';
      if (!r.ok) {
        ctx.err(`audit verify${where}: FAILED at ${r.file} line ${r.line}${r.seq !== undefined ? ` (seq ${r.seq})` : ''}: ${r.reason}`);
        continue;
      }
      ctx.out(`audit verify${where}: OK: ${r.records} records, seq ${r.firstSeq}..${r.headSeq}, head ${r.headHash}, checkpoint ${r.checkpoint}`);
      for (const n of r.notes) ctx.out(`note: ${n}`);
    }
    return ok ? 0 : 1;
  },
};
