/**
 * @module Every .env key: default, type and allowed values in one zod schema (Setup &
 * Configuration page). Values arrive as strings; the schema coerces and checks them.
 */
import { z } from 'zod';

const bool = (def: '0' | '1') => z.string().default(def).transform((v, ctx) => {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: 'must be 0 or 1 (true/false)' });
  return z.NEVER;
});

const int = (def: number, min: number, max: number) => z.string().default(String(def)).transform((v, ctx) => {
  const s = v.trim();
  if (!/^-?\d+$/.test(s)) { ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` }); return z.NEVER; }
  const n = Number(s);
  if (n < min || n > max) { ctx.addIssue({ code: 'custom', message: `must be from ${min} to ${max}` }); return z.NEVER; }
  return n;
});

const oneOf = <T extends string>(def: T, values: readonly [T, ...T[]]) => z.string().default(def).transform((v, ctx) => {
  const s = v.trim();
  if ((values as readonly string[]).includes(s)) return s as T;
  ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(' / ')}` });
  return z.NEVER;
});

const str = (def: string) => z.string().default(def).transform((v) => v.trim());
const port = (def: number) => int(def, 1, 65535);
const seconds = (def: number) => int(def, 1, 86_400);
const list = (def: string) => z.string().default(def).transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const url = (def: string) => z.string().default(def).transform((v, ctx) => {
  const s = v.trim();
  try {
    const u = new URL(s);
    if (u.protocol !== 'https:') throw new Error('not https');
    return s.replace(/\/+$/, '');
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' });
    return z.NEVER;
  }
});

const urlPath = (def: string) => z.string().default(def).transform((v, ctx) => {
  const s = v.trim();
  if (/^\/[A-Za-z0-9/_-]*$/.test(s) && !s.includes('//')) return s.length > 1 ? s.replace(/\/$/, '') : s;
  ctx.addIssue({ code: 'custom', message: 'must be an absolute path such as /mcp (letters, digits, / _ -)' });
  return z.NEVER;
});

const jsonRecord = z.string().default('').transform((v, ctx) => {
  const s = v.trim();
  if (!s) return {} as Record<string, string[]>;
  try {
    const parsed = z.record(z.string(), z.array(z.string())).parse(JSON.parse(s));
    return parsed;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object {"client": ["uri", ...]}' });
    return z.NEVER;
  }
});

/** redis:// or rediss:// with a host; the password inside is a secret (SECRET_ENV_KEYS). */
const valkeyUrl = z.string().default('').transform((v, ctx) => {
  const s = v.trim();
  if (!s) return '';
  try {
    const u = new URL(s);
    if ((u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname) return s;
  } catch { /* reported below */ }
  ctx.addIssue({ code: 'custom', message: 'must be redis://[user:password@]host:port[/db] or rediss://…' });
  return z.NEVER;
});

/** The .env schema. Keys are exactly the .env names. */
export const ENV_SCHEMA = z.object({
  PROJECT_NAME: str('aibridge'),
  PROJECT_CREATOR: str(''),
  PROJECT_VERSION: str(''),
  MCP_SERVER_NAME: str('AI-Bridge for Cisco UC'),
  MCP_SERVER_INSTRUCTIONS: str('MCP SERVER for Cisco UC'),
  MCP_SERVER_TRANSPORT: oneOf('streamable-http', ['streamable-http']),
  MCP_SERVER_HOST: str('0.0.0.0'),
  MCP_SERVER_PORT: port(8443),
  MCP_SERVER_URL_PATH: urlPath('/mcp'),
  /** Open MCP sessions one client may hold on this instance; a new one beyond it gets HTTP 503 + Retry-After. */
  MCP_SESSION_MAX_PER_CLIENT: int(32, 1, 100_000),
  /** Open MCP sessions this instance holds in all (an idle session costs ~tens of KiB: bench/README.md). */
  MCP_SESSION_MAX_TOTAL: int(2048, 1, 1_000_000),
  UID: int(1000, 0, 4_294_967_294),
  GID: int(1000, 0, 4_294_967_294),
  AUTH_RSA_PUBLIC_KEY_FILE: str('./secrets/rsa_public.pem'),
  AUTH_RSA_PRIVATE_KEY_FILE: str('./secrets/rsa_private.pem'),
  AUTH_ISSUER: url('https://mcp.domain.com:8443'),
  AUTH_AUDIENCE: str('mcp-clients'),
  AUTH_CLIENTS: str(''),
  CRYPTO_SECRETS_DIR: str('./secrets/'),
  AUTH_MODE: oneOf('jwt', ['jwt', 'oauth2', 'jwt+oauth2']),
  AUTH_RSA_KEY_SIZE: oneOf('4096', ['2048', '3072', '4096']).transform(Number),
  AUTH_TOKEN_EXPIRY_DAYS: int(365, 1, 3650),
  AUTH_OAUTH_TOKEN_EXPIRY_SECONDS: int(3600, 60, 86_400),
  AUTH_FAIL_LIMIT: int(10, 1, 10_000),
  AUTH_FAIL_WINDOW_SECONDS: seconds(300),
  AUTH_BLACKLIST_DURATION_SECONDS: int(900, 1, 604_800),
  AUTH_OAUTH_REDIRECT_URIS: jsonRecord,
  AUTH_OAUTH_REDIRECT_URI_ENFORCEMENT: oneOf('off', ['off', 'strict']),
  INTEGRITY_CHECK_INTERVAL_HOURS: int(24, 1, 8760),
  CLIENTS_DIR: str('./clients/'),
  LOGGING_LEVEL: oneOf('info', ['debug', 'info', 'warning', 'error', 'critical']),
  LOGGING_DIR: str('./logs/'),
  LOGGING_ROTATE_SIZE: int(5_000_000, 10_000, 1_000_000_000),
  LOGGING_ROTATE_FILES: int(3, 1, 1000),
  AUDIT_RETENTION_DAYS: int(365, 1, 36_500),
  LOGGING_CONSOLE_ENABLED: bool('1'),
  REPORT_CHARTS_COLORS: str('PASS=#78F5AE,WARN=#FFBE54,FAIL=#FF6F61,INFO=#69C2FF,N/A=#BACCCC'),
  CISCO_NODES: str(''),
  CISCO_NODE_PORTS: str(''),
  CISCO_NODE_PINS: str(''),
  SERVER_CUCM_AXL_PORT: port(8443),
  SERVER_CUCM_RIS_PORT: port(8443),
  SERVER_CUCM_SSH_PORT: port(22),
  SERVER_CUCM_SSH_TIMEOUT: seconds(30),
  SERVER_CUCM_SSH_MAX_DURATION: seconds(600),
  SERVER_CUCM_SSH_LOGIN_TIMEOUT: seconds(60),
  SERVER_CUCM_ZEEP_TIMEOUT: seconds(30),
  SERVER_CUCM_AXL_SCHEMAS_DIR: str('./servers/cucm/axl-schemas/'),
  SERVER_CUCM_RIS_SCHEMAS_DIR: str('./servers/cucm/ris-schemas/'),
  SERVER_CUCM_AXL_WSDL_TIMEOUT: seconds(10),
  SERVER_CUCM_RIS_WSDL_TIMEOUT: seconds(15),
  /** RisPort70 requests per minute aibridge sends to one node (CUCM throttles all RIS clients together; raise only with the node's own limit). */
  SERVER_CUCM_RIS_PER_MINUTE: int(15, 1, 1000),
  SERVER_CUCM_SSH_TERM: str('dumb'),
  SERVER_CUCM_SSH_TERM_WIDTH: int(220, 40, 1000),
  SERVER_CUCM_SSH_TERM_HEIGHT: int(50, 10, 1000),
  SERVER_CUCM_PHONE_SCREENSHOT_TIMEOUT: seconds(10),
  SERVER_CUCM_PHONE_HTTP_PORT: port(80),
  /** Port of the phones' HTTPS web server (98xx and phones set to "Web Access: HTTPS only"). */
  SERVER_CUCM_PHONE_HTTPS_PORT: port(443),
  /**
   * PEM CAs that sign the phones' certificates (Cisco Manufacturing CA for MIC, the cluster's CAPF
   * for LSC). Without it aibridge never talks HTTPS to a phone (no unverified TLS).
   */
  SERVER_CUCM_PHONE_CA_BUNDLE: str(''),
  /** auto: HTTPS first when SERVER_CUCM_PHONE_CA_BUNDLE is set, HTTP when nothing listens there; http / https: only that. */
  SERVER_CUCM_PHONE_WEB_PROTOCOL: oneOf('auto', ['auto', 'http', 'https']),
  SERVER_CUCM_DIME_MAX_DOWNLOAD_MB: int(256, 1, 4096),
  SERVER_CUCM_ZEEP_CACHE_MAX: int(64, 1, 10_000),
  SERVER_CUCM_WSDL_CACHE_MAX: int(32, 1, 10_000),
  SERVER_CUCM_SSL_VERIFY: bool('1'),
  SERVER_CUCM_SSL_CA_BUNDLE: str(''),
  SERVER_IMP_ZEEP_CACHE_MAX: int(64, 1, 10_000),
  SERVER_IMP_WSDL_CACHE_MAX: int(32, 1, 10_000),
  SERVER_IMP_AXL_PORT: port(8443),
  SERVER_IMP_SSH_PORT: port(22),
  SERVER_IMP_SSH_TIMEOUT: seconds(120),
  SERVER_IMP_SSH_MAX_DURATION: seconds(900),
  SERVER_IMP_SSH_LOGIN_TIMEOUT: seconds(60),
  SERVER_IMP_ZEEP_TIMEOUT: seconds(30),
  SERVER_IMP_AXL_SCHEMAS_DIR: str('./servers/imp/axl-schemas/'),
  SERVER_IMP_AXL_WSDL_TIMEOUT: seconds(10),
  SERVER_IMP_SSH_TERM: str('dumb'),
  SERVER_IMP_SSL_VERIFY: bool('1'),
  SERVER_IMP_SSL_CA_BUNDLE: str(''),
  SERVER_CUC_CUPI_PORT: port(8443),
  SERVER_CUC_CUPI_TIMEOUT: seconds(30),
  SERVER_CUC_SSH_PORT: port(22),
  SERVER_CUC_SSH_TIMEOUT: seconds(60),
  SERVER_CUC_SSH_MAX_DURATION: seconds(600),
  SERVER_CUC_SSH_LOGIN_TIMEOUT: seconds(60),
  SERVER_CUC_SSH_TERM: str('dumb'),
  SERVER_CUC_SSH_TERM_WIDTH: int(220, 40, 1000),
  SERVER_CUC_SSH_TERM_HEIGHT: int(50, 10, 1000),
  SERVER_CUC_SSL_VERIFY: bool('1'),
  SERVER_CUC_SSL_CA_BUNDLE: str(''),
  PROFILE_SCHEMA_STRICT: bool('1'),
  CREDENTIALS_IDLE_TIMEOUT_SECONDS: int(900, 10, 86_400),
  /** How long a change plan waits for approval, and an approval for its apply (change control). */
  CHANGE_APPROVAL_TTL_SECONDS: int(900, 30, 86_400),
  MCP_SERVER_SECURITY_TRANSPORT_ENABLED: bool('1'),
  MCP_SERVER_SECURITY_ALLOWED_HOSTS: list('localhost:*,127.0.0.1:*,mcp.domain.com:*'),
  MCP_SERVER_SECURITY_ALLOWED_ORIGINS: list('https://localhost:8443,https://127.0.0.1:8443,https://mcp.domain.com:8443'),
  TLS_CA_SIGNED_CERT_FILE: str(''),
  TLS_CA_SIGNED_KEY_FILE: str(''),
  TLS_MAX_CONNECTIONS_PER_IP: int(64, 1, 100_000),
  TLS_MAX_CONNECTIONS: int(1024, 1, 1_000_000),
  METRICS_TOKEN_FILE: str(''),
  METRICS_CLIENTS: list(''),
  METRICS_SCRAPE_ALLOWLIST: list(''),
  HTTP_MAX_BODY_BYTES: int(1_048_576, 1024, 104_857_600),
  BACKUP_ENABLED: bool('0'),
  BACKUP_DIR: str('./backups/'),
  BACKUP_EXCLUDE_DIRS: list('./backups/,./.git/,./__pycache__/'),
  BACKUP_RETENTION: int(4, 1, 10_000),
  BACKUP_INTERVAL_HOURS: int(168, 1, 87_600),
  BACKUP_SFTP_HOST: str(''),
  BACKUP_SFTP_PORT: port(22),
  BACKUP_SFTP_USER: str(''),
  BACKUP_SFTP_AUTH: oneOf('key', ['key', 'password']),
  BACKUP_SFTP_KEY_FILE: str('./secrets/backup_ssh_key'),
  BACKUP_SFTP_KNOWN_HOSTS: str('./secrets/sftp_known_hosts'),
  BACKUP_SFTP_PASSWORD_ENC: str(''),
  BACKUP_SFTP_REMOTE_PATH: str('/backups/ai-bridge/'),
  BACKUP_SFTP_RETENTION: int(52, 1, 10_000),
  STATE_BACKEND: oneOf('local', ['local', 'valkey']),
  VALKEY_URL: valkeyUrl,
  VALKEY_CA_FILE: str(''),
  VALKEY_KEY_PREFIX: z.string().default('aibridge:').transform((v, ctx) => {
    const s = v.trim();
    if (/^[A-Za-z0-9_.:-]{1,64}$/.test(s)) return s;
    ctx.addIssue({ code: 'custom', message: 'must be 1 to 64 characters of letters, digits and _ . : -' });
    return z.NEVER;
  }),
  VALKEY_CONNECT_TIMEOUT_MS: int(2000, 100, 60_000),
  VALKEY_COMMAND_TIMEOUT_MS: int(1000, 50, 60_000),
  INSTANCE_NAME: z.string().default('').transform((v, ctx) => {
    const s = v.trim();
    if (s === '' || /^[A-Za-z0-9_.-]{1,64}$/.test(s)) return s;
    ctx.addIssue({ code: 'custom', message: 'must be 1 to 64 characters of letters, digits and _ . -' });
    return z.NEVER;
  }),
}).strict().superRefine((c, ctx) => {
  if (c.STATE_BACKEND === 'valkey' && !c.VALKEY_URL) ctx.addIssue({ code: 'custom', path: ['VALKEY_URL'], message: 'is required when STATE_BACKEND=valkey (redis://user:password@host:port/db or rediss://…)' });
});

export type EnvConfig = z.infer<typeof ENV_SCHEMA>;
export type EnvKey = keyof z.input<typeof ENV_SCHEMA>;

/** Keys whose values are secret: never echoed in errors, logs or support bundles. */
export const SECRET_ENV_KEYS: ReadonlySet<string> = new Set(['BACKUP_SFTP_PASSWORD_ENC', 'VALKEY_URL']);

/** All known keys, in schema order (used for typo suggestions and .env.example checks). */
export const ENV_KEYS: readonly string[] = Object.keys(ENV_SCHEMA.shape);
