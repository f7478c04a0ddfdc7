/** @module `aibridge setup`: the wizard on a TTY, or `--answers FILE.json`; writes `.env` (600) and nothing else. */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from './command.ts';
import { flagBool, flagString } from './command.ts';
import { AppError } from '../lib/errors.ts';
import { parseAnswers } from '../ops/setup/setup-answers.ts';
import type { SetupAnswers } from '../ops/setup/setup-answers.ts';
import { availableProfiles, portProblem } from '../ops/setup/install-facts.ts';
import { renderEnv } from '../ops/setup/render-env.ts';
import { assertEnvWritable, writeEnv } from '../ops/setup/write-env.ts';
import { runSetupWizard } from '../ops/setup/setup-wizard.ts';

function readAnswers(file: string, profiles: readonly string[]): SetupAnswers {
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (err) {
    throw new AppError('E_CONFIG_INVALID', `Cannot read the answers file "${file}": ${(err as Error).message}`, { hint: 'give a JSON file with fqdn, port, bind, auth_mode, clients and nodes (aibridge setup --help)' });
  }
  return parseAnswers(raw, { profiles });
}

export const SETUP_COMMAND: Command = {
  name: 'setup',
  summary: 'Write a commented .env: interactive wizard, or --answers FILE.json for automation',
  help: [
    'Usage: aibridge setup [--dir DIR] [--answers FILE.json] [--force]',
    '',
    'On a terminal, asks for the FQDN and port, bind address, auth mode, clients (profile, mode),',
    'Cisco nodes (product, cluster, role), the server certificate and backups, then writes .env',
    '(mode 600) and nothing else. Derives AUTH_ISSUER=https://FQDN:PORT, the allowed Host/Origin',
    'values and subjects sub-<name>-YYYYMMDD. An existing .env is never replaced unless --force is',
    'given; then the old one is kept as .env.bak-<time>.',
    '',
    'Answers file keys (the same questions):',
    '  fqdn, port, bind, auth_mode (jwt|oauth2|jwt+oauth2), environment (production|lab),',
    '  clients: [{name, profile, auth_mode?, subject?, redirect_uris?}],',
    '  nodes: [{name, product (cucm|imp|cuc), host, cluster, role (publisher|subscriber), https_port?, ssh_port?}],',
    '  tls: {mode: self-signed|ca-signed, cert_file?, key_file?},',
    '  backups: {enabled, interval_hours?, retention?, sftp?: {host, port?, user, auth?, remote_path?}}',
    'In production, a loopback node address is refused.',
    '',
    'Exit codes: 0 written, 1 invalid answers (nothing written), 2 usage (e.g. .env exists without --force).',
  ].join('\n'),
  options: { answers: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx) {
    const force = flagBool(ctx.values, 'force');
    assertEnvWritable(ctx.dir, force);
    const profiles = availableProfiles(ctx.dir);
    const file = flagString(ctx.values, 'answers');
    let answers: SetupAnswers | undefined;
    if (file) {
      answers = readAnswers(resolve(file), profiles);
      const problem = await portProblem(answers.bind, answers.port);
      if (problem) throw new AppError('E_CONFIG_INVALID', `answers: port: ${problem}`, { hint: 'choose a free port in the answers file (nothing was written)' });
    } else {
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw new AppError('E_USAGE', 'aibridge setup needs a terminal for its questions', { hint: 'run it on a terminal, or pass --answers FILE.json (see aibridge setup --help)' });
      answers = await runSetupWizard({ root: ctx.dir, profiles });
      if (!answers) return 1;
    }
    const now = new Date();
    const text = renderEnv(answers, { now, source: file ? basename(file) : 'the wizard', profiles });
    const r = writeEnv(ctx.dir, text, { force, now });
    if (r.backup) ctx.out(`setup: kept the previous .env as ${r.backup}`);
    ctx.out(`setup: wrote ${r.path} (mode 600) with ${answers.clients.length} client(s) and ${answers.nodes.length} node(s)`);
    ctx.out('setup: next: ./aibridge serve   (then ./aibridge doctor checks the install and every node)');
    return 0;
  },
};
