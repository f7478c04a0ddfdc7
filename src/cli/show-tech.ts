/** @module `aibridge show-tech`: a support bundle with no secrets in it. */
import { resolve } from 'node:path';
import type { Command } from './command.ts';
import { flagBool, flagString } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { writeShowTech } from '../ops/showtech/write-show-tech.ts';

export const SHOW_TECH_COMMAND: Command = {
  name: 'show-tech',
  summary: 'Write a support bundle (show_tech_<host>_<time>.zip) without any secret',
  help: [
    'Usage: aibridge show-tech [--output DIR] [--no-logs] [--no-zip] [--dir DIR]',
    '',
    'Collects version, runtime and OS, .env with every secret value redacted, app.log and audit.log,',
    'the integrity result, license state, client names, dependency versions and backup names.',
    'Never collects private keys, tokens, client secrets, Cisco credentials, backups or license.jwt;',
    'a scan refuses to write the bundle if any secret is still found.',
    '  --output DIR  where to write it (default: the install folder)',
    '  --no-logs     leave app.log and audit.log out',
    '  --no-zip      write a folder instead of a .zip',
  ].join('\n'),
  options: { output: { type: 'string' }, 'no-logs': { type: 'boolean' }, 'no-zip': { type: 'boolean' } },
  async run(ctx) {
    const config = loadConfig(ctx.dir);
    const out = flagString(ctx.values, 'output');
    const path = await writeShowTech(config, { outputDir: out ? resolve(out) : ctx.dir, withLogs: !flagBool(ctx.values, 'no-logs'), zip: !flagBool(ctx.values, 'no-zip') });
    ctx.out(`show-tech: wrote ${path}`);
    return 0;
  },
};
