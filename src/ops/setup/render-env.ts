/**
 * @module Setup answers → the text of a commented `.env`. Derives AUTH_ISSUER (`https://FQDN:PORT`),
 * the allowed Host and Origin values and each client's subject; the result is checked with the same
 * parsers `serve` uses, so setup can never write a file the server refuses.
 */
import { validateEnv } from '../../config/load-config.ts';
import { parseNodeInventory } from '../../cisco/parse-node-inventory.ts';
import { parseClientSpecs } from '../../auth/clients/client-spec.ts';
import { formatEnvValue } from '../common/env-text.ts';
import { defaultSubject } from './setup-answers.ts';
import type { SetupAnswers } from './setup-answers.ts';

export interface RenderOptions {
  now: Date;
  /** Where the answers came from, for the header ("the wizard", "answers.json"). */
  source: string;
  profiles: readonly string[];
}

/** Local names the server answers to as well as the FQDN (health checks, doctor, the container's HEALTHCHECK). */
const LOCAL_NAMES = ['localhost', '127.0.0.1'];

function line(key: string, value: string): string {
  return `${key}=${formatEnvValue(value)}`;
}

/** JSON must sit in single quotes (dotenv keeps its double quotes then). */
function jsonLine(key: string, value: unknown): string {
  return `${key}='${JSON.stringify(value)}'`;
}

export function clientsValue(a: SetupAnswers, now: Date): string {
  return a.clients.map((c) => {
    const fields = [c.name, c.subject ?? defaultSubject(c.name, now), c.profile];
    if (a.auth_mode === 'jwt+oauth2') fields.push(c.auth_mode ?? 'jwt+oauth2');
    return fields.join(':');
  }).join(',');
}

function serverSection(a: SetupAnswers): string[] {
  const names = [a.fqdn, ...LOCAL_NAMES];
  return [
    '## Server',
    '# Listening address and HTTPS port',
    line('MCP_SERVER_HOST', a.bind),
    line('MCP_SERVER_PORT', String(a.port)),
    '# Public URL agents use (JWT iss, OAuth issuer): https://FQDN:PORT',
    line('AUTH_ISSUER', `https://${a.fqdn}:${a.port}`),
    '# DNS-rebinding protection: only these Host and Origin values are served',
    line('MCP_SERVER_SECURITY_TRANSPORT_ENABLED', '1'),
    line('MCP_SERVER_SECURITY_ALLOWED_HOSTS', names.map((n) => `${n}:${a.port}`).join(',')),
    line('MCP_SERVER_SECURITY_ALLOWED_ORIGINS', names.map((n) => `https://${n}:${a.port}`).join(',')),
  ];
}

function authSection(a: SetupAnswers, now: Date): string[] {
  const uris: Record<string, string[]> = {};
  for (const c of a.clients) if (c.redirect_uris?.length) uris[c.name] = c.redirect_uris;
  return [
    '',
    '## Clients',
    '# jwt / oauth2 / jwt+oauth2',
    line('AUTH_MODE', a.auth_mode),
    '# name:subject:profile[:auth_mode]; the subject is part of every token: never change it once tokens are out',
    line('AUTH_CLIENTS', clientsValue(a, now)),
    '# strict: an OAuth client may only be sent back to a redirect_uri listed here',
    line('AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT', 'strict'),
    ...(Object.keys(uris).length > 0 ? [jsonLine('AUTH_OAUTH_REDIRECT_URIS', uris)] : []),
  ];
}

function tlsSection(a: SetupAnswers): string[] {
  if (a.tls.mode !== 'ca-signed') return ['', '## TLS', '# Self-signed: generated at first start in secrets/server.crt (replace with a CA-signed one for production)'];
  return [
    '', '## TLS', '# CA-signed certificate (full chain, PEM) and its key',
    line('TLS_CA_SIGNED_CERT_FILE', a.tls.cert_file ?? ''),
    line('TLS_CA_SIGNED_KEY_FILE', a.tls.key_file ?? ''),
  ];
}

function nodesSection(a: SetupAnswers): string[] {
  if (a.nodes.length === 0) return ['', '## Cisco nodes', '# None declared yet: add CISCO_NODES=name:product:host:cluster:role,... (see .env.example)'];
  const ports = a.nodes.filter((n) => n.https_port !== undefined || n.ssh_port !== undefined);
  const defaults: Record<string, [number, number]> = { cucm: [8443, 22], imp: [8443, 22], cuc: [8443, 22] };
  return [
    '', '## Cisco nodes', '# name:product:host:cluster:role — aibridge contacts only these',
    line('CISCO_NODES', a.nodes.map((n) => `${n.name}:${n.product}:${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.cluster}:${n.role}`).join(',')),
    ...(ports.length > 0 ? ['# name:https_port:ssh_port where a node differs from the product default',
      line('CISCO_NODE_PORTS', ports.map((n) => `${n.name}:${n.https_port ?? defaults[n.product]?.[0]}:${n.ssh_port ?? defaults[n.product]?.[1]}`).join(','))] : []),
  ];
}

function backupSection(a: SetupAnswers): string[] {
  const b = a.backups;
  if (!b.enabled) return ['', '## Backups', '# Scheduled backups are off; turn them on with BACKUP_ENABLED=1', line('BACKUP_ENABLED', '0')];
  const out = ['', '## Backups', line('BACKUP_ENABLED', '1'), line('BACKUP_INTERVAL_HOURS', String(b.interval_hours)), line('BACKUP_RETENTION', String(b.retention))];
  if (b.sftp) {
    out.push('# SFTP copy; pin the server first: ssh-keyscan -p PORT HOST >> secrets/sftp_known_hosts (check the fingerprint out of band)',
      line('BACKUP_SFTP_HOST', b.sftp.host), line('BACKUP_SFTP_PORT', String(b.sftp.port)), line('BACKUP_SFTP_USER', b.sftp.user),
      line('BACKUP_SFTP_AUTH', b.sftp.auth), line('BACKUP_SFTP_REMOTE_PATH', b.sftp.remote_path));
    if (b.sftp.auth === 'password') out.push('# Then store the password encrypted: aibridge sftp-password set');
  }
  return out;
}

/** Render the .env text; throws E_CONFIG_INVALID if the result would not load. */
export function renderEnv(a: SetupAnswers, o: RenderOptions): string {
  const text = [
    `# aibridge configuration, written by "aibridge setup" from ${o.source} on ${o.now.toISOString().slice(0, 10)}.`,
    '# aibridge reads only this file; process environment variables are ignored. Keep it mode 600.',
    '# Every key not set here keeps its default: .env.example lists them all with comments.',
    '',
    ...serverSection(a), ...authSection(a, o.now), ...tlsSection(a), ...nodesSection(a), ...backupSection(a),
    '',
  ].join('\n');
  const values: Record<string, string> = {};
  for (const l of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l);
    if (m) values[m[1] as string] = (m[2] as string).replace(/^'(.*)'$/, '$1');
  }
  const { env } = validateEnv(values, '.env (from setup)');
  parseNodeInventory(env);
  parseClientSpecs(env.AUTH_CLIENTS, env.AUTH_MODE, (p) => o.profiles.includes(p));
  return text;
}
