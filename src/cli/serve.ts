/**
 * @module `aibridge serve`: start the server in the foreground; SIGTERM, SIGINT and SIGHUP stop it
 * cleanly (SIGHUP is what closing the SSH session that started it sends: issue #12 item 16; the
 * stop is audited like any other). Refuses a folder without .env (item 14) and a folder another
 * serve already runs on (item 15); prints a one-screen start-up summary (item 18).
 */
import type { Command } from './command.ts';
import { startServer } from '../server/start-server.ts';
import { requireEnvFile } from '../config/load-config.ts';
import { acquireServeLock } from '../lib/instance-lock.ts';
import { startupSummary } from '../server/startup-summary.ts';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export const SERVE_COMMAND: Command = {
  name: 'serve',
  summary: 'Start the MCP server (HTTPS) in the foreground',
  help: [
    'Usage: aibridge serve [--dir DIR]',
    '',
    'Reads DIR/.env only (process environment variables are ignored on purpose), runs the start-up',
    'sequence, and serves HTTPS until SIGTERM, SIGINT or SIGHUP. Logs go to LOGGING_DIR (app.log,',
    'audit.log); warnings and errors also go to stderr. One serve per folder (.aibridge-serve.lock).',
  ].join('\n'),
  options: {},
  async run(ctx) {
    requireEnvFile(ctx.dir);
    const lock = acquireServeLock(ctx.dir);
    let started;
    try { started = await startServer(ctx.dir); } catch (err) { lock.release(); throw err; }
    for (const line of startupSummary(started.handles)) ctx.out(line);
    return new Promise<number>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        for (const s of STOP_SIGNALS) process.off(s, onSignal);
        const hard = setTimeout(() => { ctx.err('shutdown took longer than 10 s; exiting'); lock.release(); resolve(1); }, 9_500);
        hard.unref();
        started.stop(signal).then(() => { clearTimeout(hard); lock.release(); resolve(0); }, (err: unknown) => { ctx.err(`shutdown failed: ${(err as Error).message}`); lock.release(); resolve(1); });
      };
      for (const s of STOP_SIGNALS) process.on(s, onSignal);
    });
  },
};
