/**
 * @module `aibridge credentials set|list|delete`: per-client Cisco credentials, encrypted at rest.
 * The password is read from the terminal without echo or from stdin, never from argv.
 */
import { tableLines } from './print-table.ts';
import type { Command, CommandContext } from './command.ts';
import { flagBool, flagString } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/load-config.ts';
import { AppError } from '../lib/errors.ts';
import { openAuditLog } from '../audit/open-logs.ts';
import { CredentialStore } from '../credentials/credential-store.ts';
import { CREDENTIAL_PURPOSES } from '../credentials/credential-file.ts';
import type { CredentialPurpose } from '../credentials/credential-file.ts';
import { readClientUuid } from '../credentials/client-key.ts';
import { readPassword } from '../credentials/read-password.ts';
import { parseNodeInventory } from '../cisco/parse-node-inventory.ts';

function required(ctx: CommandContext, name: string): string {
  const v = flagString(ctx.values, name);
  if (!v) throw new AppError('E_USAGE', `--${name} is required`, { hint: 'see aibridge credentials --help' });
  return v;
}

function purposeOf(ctx: CommandContext, dflt: CredentialPurpose | undefined): CredentialPurpose | undefined {
  const p = flagString(ctx.values, 'purpose') ?? dflt;
  if (p !== undefined && !(CREDENTIAL_PURPOSES as readonly string[]).includes(p)) throw new AppError('E_USAGE', `--purpose must be admin or phone: got "${p}"`);
  return p as CredentialPurpose | undefined;
}

function checkTarget(config: Config, target: string): void {
  const nodes = parseNodeInventory(config.env);
  const names = new Set([...nodes.map((n) => n.name), ...nodes.map((n) => n.cluster)]);
  if (!names.has(target)) {
    throw new AppError('E_USAGE', `"${target}" is not a node or cluster declared in CISCO_NODES`, {
      hint: names.size > 0 ? `use one of: ${[...names].join(', ')}` : 'declare the Cisco nodes in CISCO_NODES in .env first',
    });
  }
}

function storeFor(ctx: CommandContext, withAudit: boolean): { store: CredentialStore; config: Config; close(): void; client: string } {
  const config = loadConfig(ctx.dir);
  const client = required(ctx, 'client');
  readClientUuid(config.paths.clientsDir, client);
  const audit = withAudit ? openAuditLog(config) : undefined;
  const store = new CredentialStore({ clientsDir: config.paths.clientsDir, secretsDir: config.paths.secretsDir, idleTimeoutMs: 1000, ...(audit ? { audit } : {}) });
  return { store, config, client, close: () => { store.forgetAll(); audit?.close(); } };
}

const COMMON = 'The client must exist (listed in AUTH_CLIENTS; aibridge serve creates clients/<name>/ on start).';

export const CREDENTIALS_SET_COMMAND: Command = {
  name: 'credentials set',
  summary: 'Store a Cisco login for a client and node/cluster (password from terminal or stdin)',
  help: ['Usage: aibridge credentials set --client NAME --node NODE|CLUSTER [--purpose admin|phone] --user USER [--dir DIR]', '',
    'Reads the password without echo from the terminal, or as one line from stdin when piped.',
    '--purpose phone is the end user associated with the phones (used for screenshots).',
    'Stored AES-256-GCM encrypted under clients/<name>/secrets/credentials.enc.', COMMON].join('\n'),
  options: { client: { type: 'string' }, node: { type: 'string' }, purpose: { type: 'string' }, user: { type: 'string' } },
  async run(ctx) {
    const { store, config, client, close } = storeFor(ctx, true);
    try {
      const target = required(ctx, 'node');
      const user = required(ctx, 'user');
      const purpose = purposeOf(ctx, 'admin')!;
      checkTarget(config, target);
      // eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
      if (/[\u0000-\u001f\u007f:]/.test(user)) throw new AppError('E_USAGE', '--user must not contain ":" or control characters');
      const password = await readPassword(process.stdin, (t) => process.stderr.write(t));
      const action = await store.set(client, { target, purpose, user, password });
      ctx.out(`credentials ${action}: client ${client}, node ${target}, purpose ${purpose}, user ${user}`);
      return 0;
    } finally { close(); }
  },
};

export const CREDENTIALS_LIST_COMMAND: Command = {
  name: 'credentials list',
  summary: 'List the nodes a client has Cisco credentials for (never the passwords)',
  help: ['Usage: aibridge credentials list --client NAME [--dir DIR] [--json]', '', COMMON].join('\n'),
  options: { client: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const { store, client, close } = storeFor(ctx, false);
    try {
      const list = await store.list(client);
      if (flagBool(ctx.values, 'json')) { ctx.out(JSON.stringify({ client, credentials: list.map((c) => ({ node: c.target, purpose: c.purpose, user: c.user, updated_at: c.updatedAt })) }, null, 2)); return 0; }
      if (list.length === 0) { ctx.out(`client ${client} has no stored credentials`); return 0; }
      for (const line of tableLines(['NODE', 'PURPOSE', 'USER', 'UPDATED'], list.map((c) => [c.target, c.purpose, c.user, c.updatedAt]))) ctx.out(line);
      return 0;
    } finally { close(); }
  },
};

export const CREDENTIALS_DELETE_COMMAND: Command = {
  name: 'credentials delete',
  summary: 'Delete a client\'s Cisco credentials for a node/cluster',
  help: ['Usage: aibridge credentials delete --client NAME --node NODE|CLUSTER [--purpose admin|phone] [--dir DIR]', '',
    'Without --purpose, both purposes are deleted.', COMMON].join('\n'),
  options: { client: { type: 'string' }, node: { type: 'string' }, purpose: { type: 'string' } },
  async run(ctx) {
    const { store, client, close } = storeFor(ctx, true);
    try {
      const target = required(ctx, 'node');
      const n = await store.delete(client, target, purposeOf(ctx, undefined));
      if (n === 0) { ctx.err(`client ${client} has no such credentials for ${target}`); return 1; }
      ctx.out(`deleted ${n} credential(s): client ${client}, node ${target}`);
      return 0;
    } finally { close(); }
  },
};

/** Registered in commands.ts. */
export const CREDENTIALS_COMMANDS: readonly Command[] = [CREDENTIALS_SET_COMMAND, CREDENTIALS_LIST_COMMAND, CREDENTIALS_DELETE_COMMAND];
