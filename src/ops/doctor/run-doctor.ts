/**
 * @module `doctor`: the install checklist plus the live checks of every declared node, as rows of
 * PASS / WARN / FAIL. Read-only (no key, salt, host key or audit record is written) and bounded
 * in time: every network check has its own timeout and all nodes are checked at once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import type { Config } from '../../config/load-config.ts';
import { resolveInstallPath } from '../../config/load-config.ts';
import { parseNodeInventory } from '../../cisco/parse-node-inventory.ts';
import { loadTlsPolicies } from '../../cisco/tls-policy.ts';
import type { CiscoProduct } from '../../cisco/cisco-node.ts';
import { AxlClient } from '../../cisco/axl/axl-client.ts';
import { AxlSchemas } from '../../cisco/axl/axl-schemas.ts';
import { CupiClient } from '../../cisco/cupi/cupi-client.ts';
import { HostKeyStore } from '../../cisco/ssh/host-key-store.ts';
import { CredentialStore } from '../../credentials/credential-store.ts';
import type { CiscoLogin } from '../../credentials/credential-store.ts';
import { SALT_FILE } from '../../credentials/client-key.ts';
import { AppError, errorMessage } from '../../lib/errors.ts';
import { failed, pass } from './doctor-result.ts';
import type { DoctorCheck } from './doctor-result.ts';
import { checkAuditAndClock, checkBackups, checkEnvFile, checkPolicy, checkSecrets, checkServerCert } from './install-checks.ts';
import { checkNode } from './node-checks.ts';
import { checkLicense } from './license-check.ts';

export interface DoctorOptions { root: string; client?: string; timeoutMs: number; now?: Date }

const MB = 1024 * 1024;

async function installChecks(config: Config, now: Date): Promise<DoctorCheck[]> {
  return [checkSecrets(config), checkServerCert(config, now), ...checkPolicy(config), checkBackups(config), ...await checkLicense(config, now), ...checkAuditAndClock(config, now)];
}

async function nodeChecks(config: Config, o: DoctorOptions, now: Date): Promise<DoctorCheck[]> {
  const e = config.env;
  let nodes;
  let tls;
  try {
    nodes = parseNodeInventory(e);
    tls = loadTlsPolicies(e, config.paths.root);
  } catch (err) {
    return [failed('node inventory', errorMessage(err), 'fix CISCO_NODES / CISCO_NODE_PORTS / CISCO_NODE_PINS and the SSL_CA_BUNDLE paths')];
  }
  if (nodes.length === 0) return [pass('node inventory', 'no Cisco nodes declared (CISCO_NODES is empty)')];
  const rows: DoctorCheck[] = [pass('node inventory', `${nodes.length} node(s) declared`)];
  const hasSalt = existsSync(join(config.paths.secretsDir, SALT_FILE));
  const store = new CredentialStore({ clientsDir: config.paths.clientsDir, secretsDir: config.paths.secretsDir, idleTimeoutMs: 60_000 });
  const hostKeys = new HostKeyStore(config.paths.secretsDir, { append: () => undefined });
  const schemas = (dir: string): AxlSchemas => new AxlSchemas(resolveInstallPath(config.paths.root, dir));
  const axl: Record<CiscoProduct, AxlClient | undefined> = {
    cucm: new AxlClient({ tls: tls.cucm, schemas: schemas(e.SERVER_CUCM_AXL_SCHEMAS_DIR), timeoutMs: o.timeoutMs, maxBytes: MB }),
    imp: new AxlClient({ tls: tls.imp, schemas: schemas(e.SERVER_IMP_AXL_SCHEMAS_DIR), timeoutMs: o.timeoutMs, maxBytes: MB }),
    cuc: undefined,
  };
  const cupi = new CupiClient({ tls: tls.cuc, timeoutMs: o.timeoutMs, maxBytes: MB });
  const client = o.client;
  // The client's key is derived once (PBKDF2, CPU-bound) before any network timer starts.
  const logins = new Map<string, Promise<CiscoLogin>>();
  if (client !== undefined) {
    for (const node of nodes) {
      const p = hasSalt ? store.loginFor(client, [node.name, node.cluster], 'admin')
        : Promise.reject(new AppError('E_FORBIDDEN', `Client "${client}" has no stored credentials (none were ever set on this install)`));
      p.catch(() => undefined);
      logins.set(node.name, p);
    }
    await Promise.allSettled(logins.values());
  }
  try {
    const perNode = await Promise.all(nodes.map((node) => {
      let trusted: string | undefined;
      try { trusted = hostKeys.fingerprint(node.name); } catch { trusted = undefined; }
      const login = logins.get(node.name);
      return checkNode(node, { tls: tls[node.product], timeoutMs: o.timeoutMs, now, trustedSshKey: trusted, login: login ? () => login : undefined, client, axl: axl[node.product], cupi });
    }));
    for (const r of perNode) rows.push(...r);
  } finally {
    store.forgetAll();
  }
  return rows;
}

/** Run every check; never throws for a problem of the install (that is a FAIL row). */
export async function runDoctor(o: DoctorOptions): Promise<DoctorCheck[]> {
  const now = o.now ?? new Date();
  // Without a .env every key has its default: the rest of the table is still worth printing.
  const rows: DoctorCheck[] = [checkEnvFile(o.root)];
  let config: Config;
  try { config = loadConfig(o.root); } catch (err) {
    rows.push(failed('.env values', errorMessage(err), err instanceof AppError && err.hint ? err.hint : 'fix .env (see .env.example)'));
    return rows;
  }
  if (o.client !== undefined && !config.env.AUTH_CLIENTS.split(',').some((c) => c.trim().split(':')[0] === o.client)) {
    rows.push(failed('--client', `"${o.client}" is not a client of AUTH_CLIENTS`, 'give a name that aibridge clients list shows'));
    return [...rows, ...await installChecks(config, now)];
  }
  return [...rows, ...await installChecks(config, now), ...await nodeChecks(config, o, now)];
}
