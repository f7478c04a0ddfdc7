/**
 * @module `aibridge schemas fetch --node NODE --client NAME`: download Cisco's AXL toolkit from a
 * declared CUCM or IM&P node (with that client's stored credentials) into the product's
 * SERVER_<PRODUCT>_AXL_SCHEMAS_DIR, where it takes precedence over the bundled schemas.
 */
import type { Command } from './command.ts';
import { flagString } from './command.ts';
import { loadConfig, resolveInstallPath } from '../config/load-config.ts';
import { AppError } from '../lib/errors.ts';
import { NodeRegistry } from '../cisco/node-registry.ts';
import { parseNodeInventory } from '../cisco/parse-node-inventory.ts';
import { loadTlsPolicies } from '../cisco/tls-policy.ts';
import { downloadAxlToolkit, installAxlToolkit } from '../cisco/axl/axl-toolkit.ts';
import { CredentialStore } from '../credentials/credential-store.ts';

export const SCHEMAS_FETCH_COMMAND: Command = {
  name: 'schemas fetch',
  summary: 'Download the AXL toolkit schemas from a CUCM or IM&P node',
  help: ['Usage: aibridge schemas fetch --node NODE|CLUSTER --client NAME [--dir DIR]', '',
    'Downloads /plugins/axlsqltoolkit.zip from the node with the client\'s stored credentials and unpacks',
    'schema/<version>/ into SERVER_CUCM_AXL_SCHEMAS_DIR (or SERVER_IMP_AXL_SCHEMAS_DIR for IM&P nodes).',
    'Those schemas then take precedence over the copies bundled in aibridge.'].join('\n'),
  options: { node: { type: 'string' }, client: { type: 'string' } },
  async run(ctx) {
    const name = flagString(ctx.values, 'node');
    const client = flagString(ctx.values, 'client');
    if (!name || !client) throw new AppError('E_USAGE', '--node and --client are required', { hint: 'see aibridge schemas fetch --help' });
    const config = loadConfig(ctx.dir);
    const e = config.env;
    const node = new NodeRegistry(parseNodeInventory(e)).resolve(name, { products: ['cucm', 'imp'], clusterToPublisher: true });
    const store = new CredentialStore({ clientsDir: config.paths.clientsDir, secretsDir: config.paths.secretsDir, idleTimeoutMs: 1000 });
    try {
      const login = await store.loginFor(client, [node.name, node.cluster], 'admin');
      const tls = loadTlsPolicies(e, config.paths.root)[node.product];
      const timeoutMs = (node.product === 'imp' ? e.SERVER_IMP_AXL_WSDL_TIMEOUT : e.SERVER_CUCM_AXL_WSDL_TIMEOUT) * 1000;
      const dir = resolveInstallPath(config.paths.root, node.product === 'imp' ? e.SERVER_IMP_AXL_SCHEMAS_DIR : e.SERVER_CUCM_AXL_SCHEMAS_DIR);
      const versions = installAxlToolkit(await downloadAxlToolkit(node, login, { tls, timeoutMs }), dir);
      ctx.out(`schemas fetch: AXL ${versions.join(', ')} from node ${node.name} installed in ${dir}`);
      return 0;
    } finally { store.forgetAll(); }
  },
};
