/**
 * @module Every .env key: default, type and allowed values in one table (Setup & Configuration
 * page). Values arrive as strings; each key's parser trims, converts and checks them. Hand-written
 * rather than a zod schema: building ~140 zod fields and their first parse was ~10 % of serve's
 * start-up CPU (bench/README.md, start-up fourth pass) for a parse that runs once.
 */

/** One key: its default as written in .env, and the check + conversion of a value. */
export interface EnvField<T> { def: string; parse(raw: string): T }

/** A value a key refuses; the message says what the key must be (load-config.ts names key and value). */
export class EnvValueError extends Error {}

function invalid(message: string): never {
  throw new EnvValueError(message);
}

function field<T>(def: string, parse: (raw: string) => T): EnvField<T> {
  return { def, parse };
}

const bool = (def: '0' | '1') => field(def, (v) => {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
  return invalid('must be 0 or 1 (true/false)');
});

const int = (def: number, min: number, max: number) => field(String(def), (v) => {
  const s = v.trim();
  if (!/^-?\d+$/.test(s)) invalid(`must be a whole number from ${min} to ${max}`);
  const n = Number(s);
  if (n < min || n > max) invalid(`must be from ${min} to ${max}`);
  return n;
});

const oneOf = <T extends string>(def: T, values: readonly [T, ...T[]]) => field(def, (v): T => {
  const s = v.trim();
  return (values as readonly string[]).includes(s) ? s as T : invalid(`must be one of ${values.join(' / ')}`);
});

const str = (def: string) => field(def, (v) => v.trim());
const port = (def: number) => int(def, 1, 65535);
const seconds = (def: number) => int(def, 1, 86_400);
const list = (def: string) => field(def, (v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const url = (def: string) => field(def, (v) => {
  const s = v.trim();
  try {
    const u = new URL(s);
    if (u.protocol !== 'https:') throw new Error('not https');
    return s.replace(/\/+$/, '');
  } catch {
    return invalid('must be an https:// URL');
  }
});

const urlPath = (def: string) => field(def, (v) => {
  const s = v.trim();
  if (/^\/[A-Za-z0-9/_-]*$/.test(s) && !s.includes('//')) return s.length > 1 ? s.replace(/\/$/, '') : s;
  return invalid('must be an absolute path such as /mcp (letters, digits, / _ -)');
});

/** A JSON object of string arrays, {"client": ["uri", ...]}; copied key by key (a "__proto__" key stays an own key). */
const jsonRecord = field('', (v): Record<string, string[]> => {
  const s = v.trim();
  if (!s) return {};
  const bad = (): never => invalid('must be a JSON object {"client": ["uri", ...]}');
  let parsed: unknown;
  try { parsed = JSON.parse(s); } catch { return bad(); }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return bad();
  // No prototype: a client named "__proto__", "constructor" or "toString" is a key like any other.
  const out = Object.create(null) as Record<string, string[]>;
  for (const [k, list] of Object.entries(parsed)) {
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) bad();
    out[k] = [...(list as string[])];
  }
  return out;
});

/** redis:// or rediss:// with a host; the password inside is a secret (SECRET_ENV_KEYS). */
const valkeyUrl = field('', (v) => {
  const s = v.trim();
  if (!s) return '';
  try {
    const u = new URL(s);
    if ((u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname) return s;
  } catch { /* reported below */ }
  return invalid('must be redis://[user:password@]host:port[/db] or rediss://…');
});

/** Every .env key, in .env.example order. Keys are exactly the .env names. */
export const ENV_FIELDS = {
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
  AUTH_RSA_KEY_SIZE: field('4096', (v) => Number(oneOf('4096', ['2048', '3072', '4096']).parse(v))),
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
  VALKEY_KEY_PREFIX: field('aibridge:', (v) => {
    const s = v.trim();
    return /^[A-Za-z0-9_.:-]{1,64}$/.test(s) ? s : invalid('must be 1 to 64 characters of letters, digits and _ . : -');
  }),
  VALKEY_CONNECT_TIMEOUT_MS: int(2000, 100, 60_000),
  VALKEY_COMMAND_TIMEOUT_MS: int(1000, 50, 60_000),
  INSTANCE_NAME: field('', (v) => {
    const s = v.trim();
    return s === '' || /^[A-Za-z0-9_.-]{1,64}$/.test(s) ? s : invalid('must be 1 to 64 characters of letters, digits and _ . -');
  }),
};

export type EnvConfig = { [K in keyof typeof ENV_FIELDS]: ReturnType<(typeof ENV_FIELDS)[K]['parse']> };
export type EnvKey = keyof typeof ENV_FIELDS;

/** Keys whose values are secret: never echoed in errors, logs or support bundles. */
export const SECRET_ENV_KEYS: ReadonlySet<string> = new Set(['BACKUP_SFTP_PASSWORD_ENC', 'VALKEY_URL']);

/** All known keys, in table order (used for typo suggestions and .env.example checks). */
export const ENV_KEYS: readonly string[] = Object.keys(ENV_FIELDS);

export type EnvResult = { ok: true; env: EnvConfig } | { ok: false; key: string; message: string };

/**
 * Parse known keys (absent ones take their default), in table order; the first refused value
 * is the answer. Then the rules that tie keys together.
 */
export function parseEnv(values: Readonly<Record<string, string>>): EnvResult {
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(ENV_FIELDS) as Array<[string, EnvField<unknown>]>) {
    try {
      out[key] = f.parse(Object.hasOwn(values, key) ? values[key] as string : f.def);
    } catch (err) {
      if (err instanceof EnvValueError) return { ok: false, key, message: err.message };
      throw err;
    }
  }
  const env = out as EnvConfig;
  if (env.STATE_BACKEND === 'valkey' && !env.VALKEY_URL) return { ok: false, key: 'VALKEY_URL', message: 'is required when STATE_BACKEND=valkey (redis://user:password@host:port/db or rediss://…)' };
  return { ok: true, env };
}

/** A key's default, parsed (undefined for an unknown key). */
export function envDefault(key: string): unknown {
  const f = (ENV_FIELDS as Record<string, EnvField<unknown>>)[key];
  return f?.parse(f.def);
}
