/** @module `aibridge upgrade --file PKG [--dry-run] [--no-backup]`: signed upgrades. */
import type { Command } from './command.ts';
import { flagBool, flagString } from './command.ts';
import { AppError } from '../lib/errors.ts';
import { runUpgrade } from '../ops/upgrade/run-upgrade.ts';

export const UPGRADE_COMMAND: Command = {
  name: 'upgrade',
  summary: 'Apply a signed upgrade package (--dry-run first), with a pre-upgrade backup',
  help: [
    'Usage: aibridge upgrade --file aibridge-<version>.tar.gz [--dry-run] [--no-backup] [--dir DIR]',
    '',
    'Verifies the package signature with the release key built into this binary, checks every',
    'payload file, refuses downgrades, then (server stopped) makes an encrypted pre-upgrade backup,',
    'replaces the binary, .env.example, default profiles and manifest atomically and merges .env:',
    'new keys added with "# ADDED by upgrade vX", PROJECT_* updated, your keys never touched.',
    '  --dry-run     print the full report and change nothing',
    '  --no-backup   skip the pre-upgrade backup (not recommended)',
  ].join('\n'),
  options: { file: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'no-backup': { type: 'boolean' } },
  async run(ctx) {
    const file = flagString(ctx.values, 'file');
    if (!file) throw new AppError('E_USAGE', '--file is required', { hint: 'aibridge upgrade --file upgrade/aibridge-<version>.tar.gz --dry-run' });
    const dryRun = flagBool(ctx.values, 'dry-run');
    const r = await runUpgrade(ctx.dir, { file, cwd: process.cwd(), dryRun, backup: !flagBool(ctx.values, 'no-backup') }, ctx.out);
    for (const line of r.report) ctx.out(line);
    ctx.out(r.applied ? `upgrade: applied ${r.plan.from} -> ${r.plan.to}; start the server again` : 'upgrade: dry run, nothing changed');
    return 0;
  },
};
