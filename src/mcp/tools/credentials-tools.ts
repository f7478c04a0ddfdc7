/** @module credentials_status: which nodes the calling client has Cisco credentials for (no secrets). */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { defineTool } from './tool-result.ts';

export function createCredentialTools(s: CiscoServices): ToolDefinition[] {
  return [defineTool({
    name: 'credentials_status', title: 'Cisco credentials status', product: 'common', protocol: 'report', rateCategory: 'common', inputSchema: {},
    description: 'List the declared Cisco nodes and clusters, whether your client has stored credentials for each (admin login, phone user) and the SSH host key aibridge trusts for it. Passwords are never shown and cannot be set through MCP: an operator stores them with "aibridge credentials set". Call this first when a tool says credentials are missing.',
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }, effect: 'read',
    outputSchema: {
      client: z.string(),
      nodes: z.array(z.object({ node: z.string(), product: z.string(), cluster: z.string(), role: z.string(), admin: z.string(), phone: z.string().optional(), ssh_host_key: z.string() })),
      stored: z.array(z.object({ node: z.string(), purpose: z.string(), user: z.string(), updated_at: z.string() })),
    },
    target: () => ({}),
    async handler(_a, ctx) {
      const client = ctx.principal.clientName;
      const stored = await s.credentials.list(client).catch(() => []);
      const has = (t: string, p: string): boolean => stored.some((c) => c.target === t && c.purpose === p);
      const nodes = s.registry.nodes.map((n) => ({
        node: n.name, product: n.product, cluster: n.cluster, role: n.role,
        admin: has(n.name, 'admin') ? 'node' : has(n.cluster, 'admin') ? 'cluster' : 'missing',
        ...(n.product === 'cucm' ? { phone: has(n.name, 'phone') ? 'node' : has(n.cluster, 'phone') ? 'cluster' : 'missing' } : {}),
        ssh_host_key: s.hostKeys.fingerprint(n.name) ?? 'not seen yet (trusted on first use)',
      }));
      const out = { client, nodes, stored: stored.map((c) => ({ node: c.target, purpose: c.purpose, user: c.user, updated_at: c.updatedAt })) };
      return { content: [{ type: 'text', text: JSON.stringify(out) }], structuredContent: out };
    },
  })];
}
