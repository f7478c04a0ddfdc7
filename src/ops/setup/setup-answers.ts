/**
 * @module The setup questions as data: one zod schema for `--answers FILE.json` and one checker
 * per question, shared by the interactive wizard (which re-asks with the reason) and the answers
 * file (which fails with one clear error naming the field). Nothing here touches the disk.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { AppError } from '../../lib/errors.ts';

export const AUTH_MODES = ['jwt', 'oauth2', 'jwt+oauth2'] as const;
export type SetupAuthMode = typeof AUTH_MODES[number];
export const PRODUCTS = ['cucm', 'imp', 'cuc'] as const;
export const ROLES = ['publisher', 'subscriber'] as const;

const CLIENT = z.object({
  name: z.string(),
  profile: z.string(),
  auth_mode: z.enum(AUTH_MODES).optional(),
  /** Override of the derived `sub-<name>-YYYYMMDD`. */
  subject: z.string().optional(),
  /** Allowed OAuth redirect_uri values (AUTH_OAUTH_REDIRECT_URIS; enforcement is strict). */
  redirect_uris: z.array(z.string()).optional(),
}).strict();

const NODE = z.object({
  name: z.string(),
  product: z.enum(PRODUCTS),
  host: z.string(),
  cluster: z.string(),
  role: z.enum(ROLES),
  https_port: z.number().int().optional(),
  ssh_port: z.number().int().optional(),
}).strict();

const TLS = z.object({
  mode: z.enum(['self-signed', 'ca-signed']),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
}).strict();

const SFTP = z.object({
  host: z.string(),
  port: z.number().int().default(22),
  user: z.string(),
  auth: z.enum(['key', 'password']).default('key'),
  remote_path: z.string().default('/backups/ai-bridge/'),
}).strict();

const BACKUPS = z.object({
  enabled: z.boolean(),
  interval_hours: z.number().int().min(1).max(87_600).default(168),
  retention: z.number().int().min(1).max(10_000).default(4),
  sftp: SFTP.optional(),
}).strict();

/** The answers file: the wizard's questions as keys. */
export const ANSWERS_SCHEMA = z.object({
  fqdn: z.string(),
  port: z.number().int(),
  bind: z.string().default('0.0.0.0'),
  auth_mode: z.enum(AUTH_MODES).default('jwt'),
  /** `production` refuses loopback node addresses; `lab` allows them (aibridge lab on this host). */
  environment: z.enum(['production', 'lab']).default('production'),
  clients: z.array(CLIENT).min(1),
  nodes: z.array(NODE).default([]),
  tls: TLS.default({ mode: 'self-signed' }),
  backups: BACKUPS.default({ enabled: false, interval_hours: 168, retention: 4 }),
}).strict();

export type SetupAnswers = z.infer<typeof ANSWERS_SCHEMA>;
export type ClientAnswer = z.infer<typeof CLIENT>;
export type NodeAnswer = z.infer<typeof NODE>;

const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const FQDN_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})+$`);
// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const CLIENT_NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;
const NODE_NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/;
const HOST_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})*$`);

// Each checker answers undefined when the value is fine, or the reason it is not (shown as-is).

/** A dotted DNS name such as mcp.bank.example (what agents type in their URL; goes into AUTH_ISSUER). */
export function checkFqdn(value: string): string | undefined {
  if (!FQDN_RE.test(value)) return `"${value.slice(0, 80)}" is not a fully qualified DNS name (e.g. mcp.bank.example)`;
  if (/^[0-9.]+$/.test(value)) return `"${value}" is an IP address; give the DNS name clients use`;
  return undefined;
}

export function checkPort(value: number): string | undefined {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? undefined : `port ${value} must be a whole number from 1 to 65535`;
}

/** The listening address: an IP literal (0.0.0.0 for all interfaces). */
export function checkBind(value: string): string | undefined {
  return isIP(value) !== 0 ? undefined : `bind address "${value.slice(0, 80)}" must be an IP address such as 0.0.0.0 or 10.1.1.20`;
}

export function checkClientName(value: string, taken: readonly string[]): string | undefined {
  if (!CLIENT_NAME_RE.test(value)) return `client name "${value.slice(0, 80)}" must be letters, digits and inner hyphens (at most 64)`;
  if (taken.some((t) => t.toLowerCase() === value.toLowerCase())) return `client name "${value}" is used twice; every client needs its own name`;
  return undefined;
}

export function checkProfile(value: string, profiles: readonly string[]): string | undefined {
  return profiles.includes(value) ? undefined : `profile "${value.slice(0, 80)}" does not exist; choose one of ${profiles.join(', ')}`;
}

export function checkNodeName(value: string, taken: readonly string[]): string | undefined {
  if (!NODE_NAME_RE.test(value)) return `node name "${value.slice(0, 80)}" must start with a letter and use letters, digits, "." "_" "-"`;
  if (taken.includes(value)) return `node name "${value}" is used twice`;
  return undefined;
}

/** True for 127.0.0.0/8, ::1 and localhost: addresses that can only be this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && (mapped[1] ?? '').startsWith('127.');
}

export function checkNodeHost(value: string, environment: 'production' | 'lab'): string | undefined {
  const h = value.replace(/^\[|\]$/g, '');
  if (isIP(h) === 0 && !HOST_RE.test(h)) return `node host "${value.slice(0, 80)}" must be a DNS name or an IP address`;
  if (environment === 'production' && isLoopbackHost(h)) return `node host "${value}" is a loopback address, which cannot be a Cisco node in production; give its real address (or choose the lab environment)`;
  return undefined;
}

/** The subject the Setup page recommends: sub-<name>-YYYYMMDD (the day of set-up, UTC). */
export function defaultSubject(name: string, now: Date): string {
  return `sub-${name}-${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

export interface AnswerContext {
  /** Profile names that exist (shipped defaults plus the install's profiles/). */
  profiles: readonly string[];
}

function fail(field: string, reason: string): AppError {
  return new AppError('E_CONFIG_INVALID', `answers: ${field}: ${reason}`, { hint: 'fix the answers file and run aibridge setup --answers FILE.json again (nothing was written)' });
}

/**
 * Parse and check an answers object; throws E_CONFIG_INVALID naming the first wrong field.
 * Port availability is checked separately (it needs the network).
 */
export function parseAnswers(raw: unknown, ctx: AnswerContext): SetupAnswers {
  const r = ANSWERS_SCHEMA.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw fail(issue?.path.join('.') || '(top level)', issue?.message ?? 'is invalid');
  }
  const a = r.data;
  const check = (field: string, reason: string | undefined): void => { if (reason) throw fail(field, reason); };
  check('fqdn', checkFqdn(a.fqdn));
  check('port', checkPort(a.port));
  check('bind', checkBind(a.bind));
  a.clients.forEach((c, i) => {
    check(`clients[${i}].name`, checkClientName(c.name, a.clients.slice(0, i).map((x) => x.name)));
    check(`clients[${i}].profile`, checkProfile(c.profile, ctx.profiles));
    if (c.auth_mode && a.auth_mode !== 'jwt+oauth2' && c.auth_mode !== a.auth_mode) {
      check(`clients[${i}].auth_mode`, `"${c.auth_mode}" differs from auth_mode "${a.auth_mode}"; per-client modes need auth_mode "jwt+oauth2"`);
    }
  });
  a.nodes.forEach((n, i) => {
    check(`nodes[${i}].name`, checkNodeName(n.name, a.nodes.slice(0, i).map((x) => x.name)));
    check(`nodes[${i}].host`, checkNodeHost(n.host, a.environment));
    if (n.https_port !== undefined) check(`nodes[${i}].https_port`, checkPort(n.https_port));
    if (n.ssh_port !== undefined) check(`nodes[${i}].ssh_port`, checkPort(n.ssh_port));
  });
  if (a.tls.mode === 'ca-signed' && (!a.tls.cert_file || !a.tls.key_file)) check('tls', 'mode "ca-signed" needs cert_file and key_file');
  if (a.backups.sftp) {
    check('backups.sftp.host', checkNodeHost(a.backups.sftp.host, 'lab'));
    check('backups.sftp.port', checkPort(a.backups.sftp.port));
  }
  return a;
}
