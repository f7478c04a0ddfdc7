/** @module `aibridge lab`: run the Cisco UC simulator in the foreground until SIGTERM/SIGINT. */
import type { Command, CommandContext } from './command.ts';
import { flagString } from './command.ts';
import { AppError } from '../lib/errors.ts';
import { startLab } from '../lab/start-lab.ts';
import { FAULTS_HELP } from '../lab/faults.ts';
import { LAB_VERSIONS, isLabVersion } from '../lab/axl/axl-schemas.ts';

const STOP_DEADLINE_MS = 8000;

function intFlag(ctx: CommandContext, name: string): number | undefined {
  const v = flagString(ctx.values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new AppError('E_USAGE', `--${name} must be a whole number: got "${v}"`);
  return Number(v);
}

export const LAB_COMMAND: Command = {
  name: 'lab',
  summary: 'Run a simulated CUCM/IM&P/Unity Connection deployment with IP phones on loopback',
  help: [
    'Usage: aibridge lab [--dir DIR] [--seed N] [--phones N] [--version 12.5|14.0|15.0] [--latency MS] [--faults SPEC] [--trace-mb N]',
    '',
    'Starts a CUCM publisher and subscriber, an IM&Presence node, a Unity Connection node and the',
    'registered phones on 127.0.0.0/8, writes DIR/lab.json and DIR/lab.env once everything listens,',
    'and runs until SIGTERM or SIGINT.',
    '',
    '  --dir DIR        lab folder (CA, lab.json, lab.env); default: current directory',
    '  --seed N         dataset seed (default 1): same seed, same names, MACs, passwords and host keys',
    '  --phones N       phones in the dataset, 1-100000 (default 100)',
    `  --version V      CUCM/AXL version ${LAB_VERSIONS.join(', ')} (default 14.0)`,
    '  --latency MS     extra delay before every answer',
    '  --faults SPEC    inject faults (below)',
    '  --trace-mb N     add a CallManager trace file of N MiB on each CUCM node (download benchmarks)',
    '',
    FAULTS_HELP,
  ].join('\n'),
  options: {
    seed: { type: 'string' }, phones: { type: 'string' }, version: { type: 'string' }, latency: { type: 'string' }, faults: { type: 'string' }, 'trace-mb': { type: 'string' },
  },
  async run(ctx) {
    const version = flagString(ctx.values, 'version') ?? '14.0';
    if (!isLabVersion(version)) throw new AppError('E_USAGE', `--version must be one of ${LAB_VERSIONS.join(', ')}: got "${version}"`);
    const lab = await startLab({
      dir: ctx.dir, seed: intFlag(ctx, 'seed'), phones: intFlag(ctx, 'phones'), version,
      latencyMs: intFlag(ctx, 'latency'), faults: flagString(ctx.values, 'faults'), traceMb: intFlag(ctx, 'trace-mb'),
    });
    const d = lab.description;
    for (const n of d.nodes) ctx.out(`${n.name.padEnd(10)} ${n.product.padEnd(5)} https://${n.host}:${n.https_port}  ssh ${n.host} -p ${n.ssh_port}  ${n.ssh_host_key_sha256}`);
    ctx.out(`phones: ${d.phones.length} web servers of ${d.phones_total} phones`);
    ctx.out(`lab.json: ${ctx.dir}/lab.json`);
    ctx.out(`lab.env:  ${ctx.dir}/lab.env`);
    ctx.out('Running; stop with Ctrl-C or SIGTERM');
    await new Promise<void>((resolve) => {
      const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, STOP_DEADLINE_MS).unref());
    await Promise.race([lab.close(), deadline]);
    ctx.out('lab stopped');
    return 0;
  },
};
