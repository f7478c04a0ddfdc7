/**
 * @module The one-screen start-up summary `serve` prints (issue #12 item 18): where it listens,
 * what it trusts, and the warnings an operator must see — binding every interface and having no
 * clients are called out here as well as on stderr and in app.log.
 */
import type { ServerHandles } from './server-handles.ts';
import { VERSION } from '../lib/version.ts';

const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

type Summarised = Pick<ServerHandles, 'config' | 'logger' | 'audit' | 'auth' | 'cert'>;

/** Warnings about the listen address and the client list; logged as warnings (stderr + app.log). */
export function startupWarnings(runtime: Summarised): string[] {
  const e = runtime.config.env;
  const out: string[] = [];
  if (WILDCARD.has(e.MCP_SERVER_HOST)) out.push(`MCP_SERVER_HOST=${e.MCP_SERVER_HOST || '(empty)'} listens on every network interface; set it to this host's address to limit exposure`);
  if (runtime.auth.clients === 0) out.push('no clients are configured, so nobody can call the MCP endpoint; add one with AUTH_CLIENTS in .env (see README "Clients")');
  return out;
}

export function startupSummary(runtime: Summarised): string[] {
  const e = runtime.config.env;
  const { auth, cert } = runtime;
  const warnings = startupWarnings(runtime);
  for (const w of warnings) runtime.logger.warning('startup_warning', { message: w });
  const lines = [
    `aibridge serving https://${e.MCP_SERVER_HOST}:${e.MCP_SERVER_PORT}${e.MCP_SERVER_URL_PATH} (health: /health)`,
    `  version    ${VERSION}, pid ${process.pid}`,
    `  install    ${runtime.config.paths.root}`,
    `  auth       ${auth.mode}, ${auth.clients} client(s)`,
    `  tls        ${cert.source} certificate, valid until ${cert.notAfter}`,
    `  logs       ${runtime.config.paths.logsDir} (app.log, audit.log; audit head seq ${runtime.audit.head.seq})`,
    `  warnings   ${warnings.length + runtime.config.warnings.length}${warnings.length + runtime.config.warnings.length ? ' (also on stderr and in app.log)' : ''}`,
  ];
  return lines;
}
