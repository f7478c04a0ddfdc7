/** @module `aibridge serve`: start the server in the foreground; SIGTERM/SIGINT stop it. */
import type { Command } from './command.ts';
import { startServer } from '../server/start-server.ts';

export const SERVE_COMMAND: Command = {
  name: 'serve',
  summary: 'Start the MCP server (HTTPS) in the foreground',
  help: [
    'Usage: aibridge serve [--dir DIR]',
    '',
    'Reads DIR/.env only (process environment variables are ignored on purpose), runs the start-up',
    'sequence, and serves HTTPS until SIGTERM or SIGINT. Logs go to LOGGING_DIR (app.log, audit.log).',
  ].join('\n'),
  options: {},
  async run(ctx) {
    const started = await startServer(ctx.dir);
    const e = started.runtime.config.env;
    ctx.out(`aibridge serving https://${e.MCP_SERVER_HOST}:${e.MCP_SERVER_PORT}${e.MCP_SERVER_URL_PATH} (health: /health)`);
    return new Promise<number>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        const hard = setTimeout(() => { ctx.err('shutdown took longer than 10 s; exiting'); resolve(1); }, 9_500);
        hard.unref();
        started.stop(signal).then(() => { clearTimeout(hard); resolve(0); }, (err: unknown) => { ctx.err(`shutdown failed: ${(err as Error).message}`); resolve(1); });
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
  },
};
