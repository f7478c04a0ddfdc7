/** @module cucm_cli, imp_cli, cuc_cli: one admin CLI command over SSH on a declared node. */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import { AppError } from '../../lib/errors.ts';
import type { CiscoProduct } from '../../cisco/cisco-node.ts';
import { checkCliCommand } from '../../cisco/ssh/cli-command-check.ts';
import type { CiscoServices } from './cisco-services.ts';
import { ciscoResult, defineTool, loginFor } from './tool-result.ts';

const LABEL: Record<CiscoProduct, string> = { cucm: 'CUCM', imp: 'IM&Presence', cuc: 'Unity Connection' };
const EXAMPLE: Record<CiscoProduct, string> = { cucm: 'show status', imp: 'utils service list', cuc: 'show cuc version' };

function cliTool(s: CiscoServices, product: CiscoProduct): ToolDefinition {
  const shape = {
    node: z.string().min(1).max(64).describe('Declared node name (or a cluster name for its publisher)'),
    command: z.string().min(1).max(512).describe('One admin CLI command, e.g. "show status"'),
  };
  return defineTool({
    name: `${product}_cli`, title: `${LABEL[product]} admin CLI`, product, protocol: 'ssh', rateCategory: 'ssh', inputSchema: shape,
    description: [
      `Run one platform admin CLI command on a declared ${LABEL[product]} node over SSH and get its output as text with an exit state (ok, error, declined, truncated).`,
      'Use it for platform state: versions, status, services, NTP, replication, logs.',
      'One line of printable ASCII; no ";", "|", backticks or "?" help. Commands that ask for confirmation are declined.',
      `Your profile decides which commands (by leading words) you may run. Example: {"node":"<node>","command":"${EXAMPLE[product]}"}.`,
    ].join(' '),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    target: (a) => { s.registry.resolve(a.node, { products: [product], clusterToPublisher: true }); return { node: a.node, product, sshCommand: checkCliCommand(a.command) }; },
    async handler(a, ctx) {
      const command = checkCliCommand(a.command);
      const node = s.registry.resolve(a.node, { products: [product], clusterToPublisher: true });
      const login = await loginFor(s, ctx.principal.clientName, node);
      const set = s.cliSettings[product];
      const r = await s.cli.run({ client: ctx.principal.clientName, node: { name: node.name, host: node.host, port: node.sshPort }, login, command, ...set });
      if (r.status === 'error') {
        throw new AppError('E_UPSTREAM', `CLI command "${command}" failed on node "${node.name}": ${r.output.slice(-600)}`, { hint: 'check the command syntax in the Cisco CLI reference' });
      }
      return ciscoResult({ node: node.name, command, status: r.status }, r.output);
    },
  });
}

export function createCliTools(s: CiscoServices): ToolDefinition[] {
  return [cliTool(s, 'cucm'), cliTool(s, 'imp'), cliTool(s, 'cuc')];
}
