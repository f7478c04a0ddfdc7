/**
 * @module Everything the Cisco tools need, built once at start-up from Config: node registry,
 * credential store, outbound TLS policies and one client per protocol.
 */
import { join } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { resolveInstallPath } from '../../config/load-config.ts';
import { NodeRegistry } from '../../cisco/node-registry.ts';
import { parseNodeInventory } from '../../cisco/parse-node-inventory.ts';
import { loadPhoneTls, loadTlsPolicies } from '../../cisco/tls-policy.ts';
import type { CiscoProduct } from '../../cisco/cisco-node.ts';
import { AxlClient } from '../../cisco/axl/axl-client.ts';
import { AxlSchemas } from '../../cisco/axl/axl-schemas.ts';
import { RisClient } from '../../cisco/ris/ris-client.ts';
import { CupiClient } from '../../cisco/cupi/cupi-client.ts';
import { PhoneClient } from '../../cisco/phone/phone-client.ts';
import { ServiceabilityClient } from '../../cisco/serviceability/serviceability-client.ts';
import { PERFMON_DEFAULT_PER_MINUTE } from '../../cisco/serviceability/perfmon.ts';
import { CliSessionPool } from '../../cisco/ssh/cli-session-pool.ts';
import { HostKeyStore } from '../../cisco/ssh/host-key-store.ts';
import { CredentialStore } from '../../credentials/credential-store.ts';
import type { AuditSink } from '../../credentials/credential-store.ts';

/** idleMs: no output for this long stops a command (SERVER_<P>_SSH_TIMEOUT); maxMs: absolute cap. */
export interface CliSettings { idleMs: number; maxMs: number; loginTimeoutMs: number; term: string; cols: number; rows: number }

export interface CiscoServices {
  registry: NodeRegistry;
  credentials: CredentialStore;
  axl: Record<'cucm' | 'imp', AxlClient>;
  ris: RisClient;
  cupi: CupiClient;
  phone: PhoneClient;
  serviceability: ServiceabilityClient;
  /** Where a client's DIME downloads are kept: clients/<name>/downloads/. */
  downloadsDir(client: string): string;
  maxDownloadBytes: number;
  cli: CliSessionPool;
  hostKeys: HostKeyStore;
  cliSettings: Record<CiscoProduct, CliSettings>;
  /** TCP port of the phones' web server (SERVER_CUCM_PHONE_HTTP_PORT; 80 on real phones). */
  phonePort: number;
  close(): void;
}

const MB = 1024 * 1024;

export function createCiscoServices(config: Config, audit: AuditSink): CiscoServices {
  const e = config.env;
  const root = config.paths.root;
  const registry = new NodeRegistry(parseNodeInventory(e));
  const tls = loadTlsPolicies(e, root);
  const phoneTls = loadPhoneTls(e, root);
  const credentials = new CredentialStore({ clientsDir: config.paths.clientsDir, secretsDir: config.paths.secretsDir, idleTimeoutMs: e.CREDENTIALS_IDLE_TIMEOUT_SECONDS * 1000, audit });
  // An open SSH session holds its login, so it never outlives the credential idle timeout.
  const cliIdleMs = Math.min(300_000, e.CREDENTIALS_IDLE_TIMEOUT_SECONDS * 1000);
  const hostKeys = new HostKeyStore(config.paths.secretsDir, audit);
  const cli = new CliSessionPool({ hostKeys, maxOutputBytes: 4 * MB }, cliIdleMs);
  const services: CiscoServices = {
    registry, credentials, cli, hostKeys,
    axl: {
      cucm: new AxlClient({ tls: tls.cucm, schemas: new AxlSchemas(resolveInstallPath(root, e.SERVER_CUCM_AXL_SCHEMAS_DIR)), timeoutMs: e.SERVER_CUCM_ZEEP_TIMEOUT * 1000, maxBytes: 64 * MB }),
      imp: new AxlClient({ tls: tls.imp, schemas: new AxlSchemas(resolveInstallPath(root, e.SERVER_IMP_AXL_SCHEMAS_DIR)), timeoutMs: e.SERVER_IMP_ZEEP_TIMEOUT * 1000, maxBytes: 64 * MB }),
    },
    ris: new RisClient({ tls: tls.cucm, timeoutMs: e.SERVER_CUCM_ZEEP_TIMEOUT * 1000, maxBytes: 16 * MB, perMinute: e.SERVER_CUCM_RIS_PER_MINUTE }),
    cupi: new CupiClient({ tls: tls.cuc, timeoutMs: e.SERVER_CUC_CUPI_TIMEOUT * 1000, maxBytes: 16 * MB }),
    serviceability: new ServiceabilityClient({ tls: tls.cucm, timeoutMs: e.SERVER_CUCM_ZEEP_TIMEOUT * 1000, maxBytes: 16 * MB, perfmonPerMinute: PERFMON_DEFAULT_PER_MINUTE }),
    downloadsDir: (client) => join(config.paths.clientsDir, client, 'downloads'),
    maxDownloadBytes: e.SERVER_CUCM_DIME_MAX_DOWNLOAD_MB * MB,
    phone: new PhoneClient({
      timeoutMs: e.SERVER_CUCM_PHONE_SCREENSHOT_TIMEOUT * 1000, maxBytes: 4 * MB, protocol: e.SERVER_CUCM_PHONE_WEB_PROTOCOL, httpsPort: e.SERVER_CUCM_PHONE_HTTPS_PORT,
      ...(phoneTls ? { tls: phoneTls } : {}),
    }),
    cliSettings: {
      cucm: { idleMs: e.SERVER_CUCM_SSH_TIMEOUT * 1000, maxMs: e.SERVER_CUCM_SSH_MAX_DURATION * 1000, loginTimeoutMs: e.SERVER_CUCM_SSH_LOGIN_TIMEOUT * 1000, term: e.SERVER_CUCM_SSH_TERM, cols: e.SERVER_CUCM_SSH_TERM_WIDTH, rows: e.SERVER_CUCM_SSH_TERM_HEIGHT },
      imp: { idleMs: e.SERVER_IMP_SSH_TIMEOUT * 1000, maxMs: e.SERVER_IMP_SSH_MAX_DURATION * 1000, loginTimeoutMs: e.SERVER_IMP_SSH_LOGIN_TIMEOUT * 1000, term: e.SERVER_IMP_SSH_TERM, cols: e.SERVER_CUCM_SSH_TERM_WIDTH, rows: e.SERVER_CUCM_SSH_TERM_HEIGHT },
      cuc: { idleMs: e.SERVER_CUC_SSH_TIMEOUT * 1000, maxMs: e.SERVER_CUC_SSH_MAX_DURATION * 1000, loginTimeoutMs: e.SERVER_CUC_SSH_LOGIN_TIMEOUT * 1000, term: e.SERVER_CUC_SSH_TERM, cols: e.SERVER_CUC_SSH_TERM_WIDTH, rows: e.SERVER_CUC_SSH_TERM_HEIGHT },
    },
    phonePort: e.SERVER_CUCM_PHONE_HTTP_PORT,
    close() { cli.closeAll(); services.axl.cucm.close(); services.axl.imp.close(); credentials.forgetAll(); },
  };
  return services;
}
