/**
 * @module `aibridge serve`: the start-up sequence of the Operations page, one step after the
 * other, each logged as `startup_step`. Each step is a function that takes what it needs and
 * returns a typed handle; the server is assembled from those handles (server/server-handles.ts)
 * and the HTTP app mounts its routes from them (http/build-app.ts). Shutdown (and a failed step)
 * closes the handles newest first and the audit log last.
 */
import { mkdirSync, chmodSync, statSync } from 'node:fs';
import { loadConfig, resolveInstallPath } from '../config/load-config.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import { ensureRsaKeyPair } from '../keys/rsa-key-pair.ts';
import { signPss } from '../keys/pss-signature.ts';
import { ensureServerCert } from '../tls/server-cert.ts';
import type { ServerCert } from '../tls/server-cert.ts';
import { buildApp } from '../http/build-app.ts';
import { startHttpsServer } from '../http/https-server.ts';
import { readMetricsToken } from '../http/metrics-token.ts';
import { VERSION } from '../lib/version.ts';
import { errorMessage } from '../lib/errors.ts';
import { openAppLog, openAuditLog, verifyWith } from '../audit/open-logs.ts';
import { removePidFile, writePidFile } from '../lib/pid-file.ts';
import { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import { openProfiles } from '../rbac/open-profiles.ts';
import { recoverInterruptedOperations } from '../ops/recover-interrupted.ts';
import { checkIntegrity } from '../ops/integrity/integrity-monitor.ts';
import { openSharedState } from '../state/open-shared-state.ts';
import { openAuth } from '../auth/open-auth.ts';
import { openLicense } from '../license/open-license.ts';
import { requireScaleOutLicense } from '../license/scale-out.ts';
import { registerLicenseGauges } from '../license/license-metrics.ts';
import { loadToolModules } from '../mcp/load-tool-modules.ts';
import { startWatchdogs } from '../ops/start-watchdogs.ts';
import { openMcpEndpoint } from '../mcp/mcp-endpoint.ts';
import { requireBearer } from '../mcp/mcp-route.ts';
import { countAuthFailures } from '../mcp/count-auth-failures.ts';
import { OpenHandles } from './open-handles.ts';
import type { ServerHandles } from './server-handles.ts';
import { statusReport } from './status-report.ts';
import { registerServerGauges } from './server-gauges.ts';
import { registerApplianceGauges } from './appliance-gauges.ts';
import { readinessProbe } from './readiness.ts';

const SHUTDOWN_BUDGET_MS = 8_000;
/** When step 4 relied on verified identities, the full integrity check starts this long after listening. */
const FULL_CHECK_DELAY_MS = 1_000;

function secureSecretsDir(config: Config): void {
  const dir = config.paths.secretsDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** Step 5: the operator's CA-signed certificate, else a self-signed one (generated or renewed). */
function prepareTls(config: Config): Promise<ServerCert> {
  const e = config.env;
  return ensureServerCert({
    secretsDir: config.paths.secretsDir, allowedHosts: e.MCP_SERVER_SECURITY_ALLOWED_HOSTS,
    ...(e.TLS_CA_SIGNED_CERT_FILE ? { caSignedCertFile: resolveInstallPath(config.paths.root, e.TLS_CA_SIGNED_CERT_FILE) } : {}),
    ...(e.TLS_CA_SIGNED_KEY_FILE ? { caSignedKeyFile: resolveInstallPath(config.paths.root, e.TLS_CA_SIGNED_KEY_FILE) } : {}),
  });
}

function step(logger: Logger, n: number, name: string, fields: Record<string, unknown> = {}): void {
  logger.info('startup_step', { step: n, name, ...fields });
}

export interface StartedServer { handles: ServerHandles; stop(reason: string): Promise<void> }

/** Run steps 1–11 and listen. Throws AppError on any fatal step, after closing what it opened. */
export async function startServer(dir: string): Promise<StartedServer> {
  const startedAt = new Date();
  const config = loadConfig(dir);
  secureSecretsDir(config);
  const e = config.env;
  const logger = openAppLog(config);
  const audit = openAuditLog(config);
  step(logger, 1, 'configuration loaded', { file: config.paths.envFile });
  for (const w of config.warnings) logger.warning('config_warning', { message: w });
  step(logger, 2, 'logging initialised', { dir: config.paths.logsDir });
  const open = new OpenHandles(logger);
  const metrics = new AibridgeMetrics();
  try {
    const profiles = open.add('profiles', openProfiles({ config, logger, audit }));
    step(logger, 3, 'profiles synchronised');

    recoverInterruptedOperations(config, logger);
    const integrity = open.add('integrity check', await checkIntegrity({ config, logger, audit }));
    const checked = integrity.status();
    step(logger, 4, 'integrity check done', checked.state === 'skipped' ? { state: 'skipped' } : { state: checked.state, method: checked.method, files: checked.files_checked, files_hashed: checked.files_hashed });

    const cert = await prepareTls(config);
    step(logger, 5, 'TLS certificate ready', { source: cert.source, action: cert.action, not_after: cert.notAfter });

    const rsa = await ensureRsaKeyPair(config.paths.rsaPrivateKey, config.paths.rsaPublicKey, e.AUTH_RSA_KEY_SIZE);
    audit.setSigner((data) => signPss(rsa.privateKey, data), verifyWith(rsa.publicKey, config.paths.secretsDir), (event, fields) => logger.critical(event, fields));
    step(logger, 6, 'RSA key pair ready', { generated: rsa.generated, bits: rsa.privateKey.asymmetricKeyDetails?.modulusLength });

    await requireScaleOutLicense(config); // STATE_BACKEND=valkey needs the licence feature, checked before step 7 connects
    const state = open.add('shared state', await openSharedState({ config, logger }));
    const auth = open.add('auth', await openAuth({ config, logger, audit, rsa, state }));
    step(logger, 7, 'clients synchronised', { clients: auth.clients, state_backend: state.kind });

    const license = open.add('licence', await openLicense({ config, logger, audit }));
    step(logger, 8, 'license verified', { state: license.watchdog.status.state, install_id: license.installId });

    const modules = open.add('product modules', loadToolModules({
      config, logger, audit, metrics, profiles: profiles.store, license: license.watchdog,
      ...(state.kind === 'valkey' ? { rateLimits: state.rateLimits } : {}),
    }));
    step(logger, 9, 'product modules loaded', { ...modules.loaded(), license: license.watchdog.status.state });

    const watchdogs = open.add('watchdogs', startWatchdogs({
      config, logger, audit, integrity, license: license.watchdog, ...(state.kind === 'valkey' ? { leases: state.leases } : {}),
    }));
    step(logger, 10, 'watchdogs started', { license_check_s: 60 });

    const bearer = countAuthFailures(metrics, requireBearer(() => auth.authenticate));
    const mcp = open.add('MCP sessions', await openMcpEndpoint({ config, logger, audit, metrics, profiles: profiles.store, modules, state, bearer }));
    const handles: ServerHandles = { startedAt, metrics, config, logger, audit, profiles, integrity, cert, rsa, state, auth, license, modules, watchdogs, mcp };
    registerLicenseGauges(metrics, license.watchdog);
    registerServerGauges(handles);
    registerApplianceGauges(handles);
    const app = buildApp({
      config, logger, audit, fail2banGuard: auth.fail2banGuard,
      onViolation: (ip) => auth.countViolation(ip),
      onUnauthenticatedAudit: (limiter) => open.add('unauthenticated audit', limiter),
    }, {
      oauth: { ctx: auth.ctx, serverName: e.MCP_SERVER_NAME },
      mcp: mcp.route,
      status: { auth: bearer, source: { name: e.MCP_SERVER_NAME, version: VERSION, startedAt, report: () => statusReport(handles) } },
      metrics: {
        registry: metrics,
        access: {
          auth: bearer, clients: e.METRICS_CLIENTS, scrapeAllowlist: e.METRICS_SCRAPE_ALLOWLIST,
          ...(e.METRICS_TOKEN_FILE ? { token: readMetricsToken(resolveInstallPath(config.paths.root, e.METRICS_TOKEN_FILE)) } : {}),
        },
      },
      readyz: readinessProbe(handles),
    });
    const https = await startHttpsServer({
      fetch: app.fetch, certPem: cert.certPem, keyPem: cert.keyPem, maxConnectionsPerIp: e.TLS_MAX_CONNECTIONS_PER_IP,
      maxConnections: e.TLS_MAX_CONNECTIONS,
      onConnectionRefused: (ip, cap) => logger.warning('connection_refused', { source_ip: ip, reason: cap === 'global' ? 'too many connections in total (TLS_MAX_CONNECTIONS)' : 'too many connections from this address' }),
    }, e.MCP_SERVER_HOST, e.MCP_SERVER_PORT);
    // Newest, so closed first: stop accepting and wait for in-flight requests before anything else closes.
    open.add('HTTPS server', { close: () => https.close(SHUTDOWN_BUDGET_MS) });
    writePidFile(config.paths.root);
    step(logger, 11, 'HTTPS server listening', { url: `https://${e.MCP_SERVER_HOST}:${e.MCP_SERVER_PORT}`, mcp_path: e.MCP_SERVER_URL_PATH });
    audit.append('SERVER', 'server_started', { version: VERSION, pid: process.pid, host: e.MCP_SERVER_HOST, port: e.MCP_SERVER_PORT });
    // Step 4 accepted unchanged files by their verified identity: hash every file in the background,
    // a second after listening so that it does not compete with the first requests (its result reaches
    // /status, /readyz, the watchdog gauge, app.log and audit.log like any check).
    if (integrity.needsFullCheck()) setTimeout(() => { void watchdogs.integrity.runNow(); }, FULL_CHECK_DELAY_MS).unref();
    let stopping: Promise<void> | undefined;
    return {
      handles,
      stop(reason: string) {
        stopping ??= (async () => {
          logger.info('shutdown_started', { reason });
          await open.closeAll();
          try { audit.append('SERVER', 'server_stopped', { reason, uptime_s: Math.round((Date.now() - startedAt.getTime()) / 1000) }); } catch (err) {
            logger.error('audit_write_failed', { message: errorMessage(err) });
          }
          audit.close();
          removePidFile(config.paths.root);
          logger.info('shutdown_done', { reason });
        })();
        return stopping;
      },
    };
  } catch (err) {
    logger.critical('startup_failed', { message: errorMessage(err) });
    await open.closeAll();
    audit.close();
    throw err;
  }
}
