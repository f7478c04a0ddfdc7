/** @module `aibridge clients list`: name, subject, profile, mode, token expiry and secret state; never a secret. */
import type { Command } from './command.ts';
import { flagBool } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { listClients } from '../auth/clients/list-clients.ts';

export const CLIENTS_LIST_COMMAND: Command = {
  name: 'clients list',
  summary: 'List the clients of AUTH_CLIENTS with their credential state (no secrets)',
  help: [
    'Usage: aibridge clients list [--dir DIR] [--json]',
    '',
    'Shows each client of AUTH_CLIENTS: name, subject, profile, auth mode, JWT expiry and whether',
    'its one-time OAuth secret is still waiting in clients/<name>/secrets/.secret. Prints no secret.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  async run(ctx) {
    const rows = listClients(loadConfig(ctx.dir));
    if (flagBool(ctx.values, 'json')) { ctx.out(JSON.stringify(rows, null, 2)); return 0; }
    if (rows.length === 0) { ctx.out('No clients: AUTH_CLIENTS is empty'); return 0; }
    const head = ['NAME', 'SUBJECT', 'PROFILE', 'MODE', 'JWT EXPIRES', 'OAUTH SECRET'];
    const table = [head, ...rows.map((r) => [r.name, r.subject, r.profile, r.mode, r.tokenExpiry, r.secret])];
    const widths = head.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
    for (const row of table) ctx.out(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
    return 0;
  },
};
