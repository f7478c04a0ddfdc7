/**
 * @module `aibridge serve`: the start-up sequence of the Operations page, each step logged, then
 * HTTPS until SIGTERM/SIGINT, which stop within 10 s after in-flight requests finish.
 */
import { mkdirSync, chmodSync, statSync } from 'node:fs';
import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/load-config.ts';
import { ensureRsaKeyPair } from '../keys/rsa-key-pair.ts';
import { signPss } from '../keys/pss-signature.ts';
import { ensureServerCert } from '../tls/server-cert.ts';
import { buildApp } from '../http/build-app.ts';
import { startHttpsServer } from '../http/https-server.ts';
import { VERSION } from '../lib/version.ts';
import { errorMessage } from '../lib/errors.ts';
import { resolveInstallPath } from '../config/load-config.ts';
import { openAppLog, openAuditLog, verifyWith } from '../audit/open-logs.ts';
import { removePidFile, writePidFile } from '../lib/pid-file.ts';
import { SERVER_PLUGINS } from './server-plugins.ts';
import { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import type { PluginStep, ServerRuntime } from './server-runtime.ts';
import { openLicense } from '../license/open-license.ts';
import { licenseReport } from '../license/license-report.ts';
import { requireScaleOutLicense } from '../license/scale-out.ts';

const SHUTDOWN_BUDGET_MS = 8_000;

async function runPlugins(runtime: ServerRuntime, step: PluginStep): Promise<void> {
  for (const plugin of SERVER_PLUGINS.filter((p) => p.step === step)) {
    runtime.logger.debug('plugin_run', { step, plugin: plugin.name });
    await plugin.run(runtime);
  }
}

function secureSecretsDir(config: Config): void {
  const dir = config.paths.secretsDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** Log the failed step, undo what earlier steps started, close the audit log; returns `err` to rethrow. */
async function abandonStartup(runtime: ServerRuntime, err: unknown): Promise<unknown> {
  runtime.logger.critical('startup_failed', { message: errorMessage(err) });
  for (const fn of runtime.onShutdown.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  runtime.audit.close();
  return err;
}

export interface StartedServer { runtime: ServerRuntime; stop(reason: string): Promise<void> }

/** Run steps 1–11 and listen. Throws AppError on any fatal step. */
export async function startServer(dir: string): Promise<StartedServer> {
  const config = loadConfig(dir); // step 1
  secureSecretsDir(config);
  const logger = openAppLog(config); // step 2
  const audit = openAuditLog(config);
  const runtime: ServerRuntime = { config, logger, audit, metrics: new AibridgeMetrics(), startedAt: new Date(), extensions: [], onShutdown: [], status: {} };
  logger.info('startup_step', { step: 1, name: 'configuration loaded', file: config.paths.envFile });
  for (const w of config.warnings) logger.warning('config_warning', { message: w });
  logger.info('startup_step', { step: 2, name: 'logging initialised', dir: config.paths.logsDir });
  try {
    await runPlugins(runtime, 'profiles');
    logger.info('startup_step', { step: 3, name: 'profiles synchronised' });
    await runPlugins(runtime, 'integrity');
    logger.info('startup_step', { step: 4, name: 'integrity check done' });
    const e = config.env;
    runtime.cert = await ensureServerCert({
      secretsDir: config.paths.secretsDir, allowedHosts: e.MCP_SERVER_SECURITY_ALLOWED_HOSTS,
      ...(e.TLS_CA_SIGNED_CERT_FILE ? { caSignedCertFile: resolveInstallPath(config.paths.root, e.TLS_CA_SIGNED_CERT_FILE) } : {}),
      ...(e.TLS_CA_SIGNED_KEY_FILE ? { caSignedKeyFile: resolveInstallPath(config.paths.root, e.TLS_CA_SIGNED_KEY_FILE) } : {}),
    });
    logger.info('startup_step', { step: 5, name: 'TLS certificate ready', source: runtime.cert.source, action: runtime.cert.action, not_after: runtime.cert.notAfter });
    const rsa = await ensureRsaKeyPair(config.paths.rsaPrivateKey, config.paths.rsaPublicKey, e.AUTH_RSA_KEY_SIZE);
    runtime.rsa = { privateKey: rsa.privateKey, publicKey: rsa.publicKey };
    audit.setSigner((data) => signPss(rsa.privateKey, data), verifyWith(rsa.publicKey, config.paths.secretsDir), (event, fields) => logger.critical(event, fields));
    logger.info('startup_step', { step: 6, name: 'RSA key pair ready', generated: rsa.generated, bits: rsa.privateKey.asymmetricKeyDetails?.modulusLength });
    await requireScaleOutLicense(config); // STATE_BACKEND=valkey needs the licence feature, checked before step 7 connects
    await runPlugins(runtime, 'clients');
    logger.info('startup_step', { step: 7, name: 'clients synchronised' });
    const license = await openLicense({ config, logger, audit });
    runtime.license = license;
    const licensed = license.watchdog.status;
    Object.defineProperty(runtime.status, 'license', { enumerable: true, get: () => licenseReport(license.watchdog.status, license.anchor.kind) });
    logger.info('startup_step', { step: 8, name: 'license verified', state: licensed.state, install_id: license.installId });
    await runPlugins(runtime, 'modules');
    logger.info('startup_step', { step: 9, name: 'product modules loaded', products: [...(licensed.entitlements?.products ?? [])], features: [...(licensed.entitlements?.features ?? [])] });
    await runPlugins(runtime, 'watchdogs');
    license.watchdog.start();
    runtime.onShutdown.push(() => license.watchdog.stop());
    logger.info('startup_step', { step: 10, name: 'watchdogs started', license_check_s: 60 });
    await runPlugins(runtime, 'routes');
  } catch (err) {
    throw await abandonStartup(runtime, err);
  }
  const app = buildApp({
    config, logger, audit,
    ...(runtime.auth ? { fail2banGuard: runtime.auth.fail2banGuard } : {}),
    onViolation: (ip) => runtime.countViolation?.(ip),
    onUnauthenticatedAudit: (limiter) => runtime.onShutdown.push(() => limiter.close()),
  }, runtime.extensions);
  const cert = runtime.cert;
  let running;
  try {
    running = await startHttpsServer({
      fetch: app.fetch, certPem: cert.certPem, keyPem: cert.keyPem, maxConnectionsPerIp: config.env.TLS_MAX_CONNECTIONS_PER_IP,
      maxConnections: config.env.TLS_MAX_CONNECTIONS,
      onConnectionRefused: (ip, cap) => logger.warning('connection_refused', { source_ip: ip, reason: cap === 'global' ? 'too many connections in total (TLS_MAX_CONNECTIONS)' : 'too many connections from this address' }),
    }, config.env.MCP_SERVER_HOST, config.env.MCP_SERVER_PORT);
  } catch (err) {
    throw await abandonStartup(runtime, err);
  }
  writePidFile(config.paths.root);
  const url = `https://${config.env.MCP_SERVER_HOST}:${config.env.MCP_SERVER_PORT}`;
  logger.info('startup_step', { step: 11, name: 'HTTPS server listening', url, mcp_path: config.env.MCP_SERVER_URL_PATH });
  audit.append('SERVER', 'server_started', { version: VERSION, pid: process.pid, host: config.env.MCP_SERVER_HOST, port: config.env.MCP_SERVER_PORT });
  let stopping: Promise<void> | undefined;
  return {
    runtime,
    stop(reason: string) {
      stopping ??= (async () => {
        logger.info('shutdown_started', { reason });
        await running.close(SHUTDOWN_BUDGET_MS);
        for (const fn of runtime.onShutdown.reverse()) {
          try { await fn(); } catch (err) { logger.error('shutdown_hook_failed', { message: errorMessage(err) }); }
        }
        try { audit.append('SERVER', 'server_stopped', { reason, uptime_s: Math.round((Date.now() - runtime.startedAt.getTime()) / 1000) }); } catch (err) {
          logger.error('audit_write_failed', { message: errorMessage(err) });
        }
        audit.close();
        removePidFile(config.paths.root);
        logger.info('shutdown_done', { reason });
      })();
      return stopping;
    },
  };
}
