/**
 * @module Tools every profile may use, so an agent can plan within its rights: aibridge_whoami
 * (identity, profile, tools, rate-limit budget) and aibridge_check_access (a dry run of the same
 * decision the call gets). Both answer from the pipeline, so they agree with tools/list and calls.
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from './tool-definition.ts';
import type { ToolPipeline } from './pipeline/tool-pipeline.ts';
import type { LicenseGate } from '../license/license-gate.ts';
import { licenseForAgent } from '../license/license-gate.ts';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function jsonResult(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

const BUDGET = z.object({ product: z.string(), category: z.string(), limit_per_minute: z.number(), remaining: z.number() });

const LICENSE = z.object({
  state: z.enum(['VALID', 'GRACE', 'EXPIRED', 'INVALID']), explanation: z.string(), customer: z.string().optional(), tier: z.string().optional(),
  expires_at: z.string().optional(), days_left: z.number().optional(), products: z.array(z.string()), features: z.array(z.string()),
  effect: z.string().optional(), what_to_do: z.string().optional(),
});

function whoami(pipe: ToolPipeline, license?: LicenseGate): ToolDefinition {
  return {
    name: 'aibridge_whoami', title: 'Who am I', product: 'common', protocol: 'report', rateCategory: 'common', introspection: true, effect: 'read',
    description: 'Show who you are to aibridge: the licence state (when no product tool is offered it says why and what to do), your client name, your RBAC profile and what it allows per product (AXL operation prefixes, SSH command prefixes, RIS filters, CUPI "METHOD /path" prefixes), the tools you may call, and how many calls per minute you have left in each category. Call it first to plan within your rights. Takes no arguments.',
    inputSchema: {},
    outputSchema: {
      client: z.string(), profile: z.string(), profile_loaded: z.boolean(), profile_description: z.string().optional(),
      product_scope: z.array(z.string()).optional(), permissions: z.record(z.string(), z.unknown()).optional(), note: z.string().optional(),
      auth_method: z.string(), token_expires_at: z.string(), tools: z.array(z.string()), rate_limits: z.array(BUDGET),
      license: LICENSE.optional(),
    },
    annotations: READ_ONLY, target: () => ({}),
    async handler(_args, ctx) {
      const p = ctx.principal;
      const profile = pipe.profileOf(p);
      const { description, product_scope, ...sections } = profile ?? { description: '', product_scope: [] };
      const visible = pipe.visibleTo(p); // decided once: the tool list and the budget come from the same answer
      return jsonResult({
        client: p.clientName, profile: p.profile, profile_loaded: profile !== undefined,
        ...(profile ? { profile_description: description, product_scope, permissions: sections } : { note: 'your profile is not loaded, so every Cisco call is denied; ask an operator to fix profiles/' + p.profile + '.json' }),
        auth_method: p.authMethod, token_expires_at: new Date(p.expiresAt * 1000).toISOString(),
        tools: visible.map((t) => t.name),
        rate_limits: await pipe.budget(p, visible),
        ...(license ? { license: licenseForAgent(license, pipe.now()) } : {}),
      });
    },
  };
}

function checkAccess(pipe: ToolPipeline): ToolDefinition {
  const shape = {
    tool: z.string().min(1).max(100).describe('Name of the tool you plan to call, e.g. "cucm_axl_request"'),
    arguments: z.record(z.string(), z.unknown()).default({}).describe('The arguments you plan to pass, exactly as for the real call'),
  };
  return {
    name: 'aibridge_check_access', title: 'Check access (dry run)', product: 'common', protocol: 'report', rateCategory: 'common', introspection: true, effect: 'read',
    description: 'Ask whether your profile would allow a call, without contacting any Cisco system: give the tool name and the arguments you plan to use (for example the AXL operation, the CLI command or the CUPI method and path). Returns allowed true/false, the rule that decides it, whether the call is a write, and which profiles would allow a refused call. Example: {"tool":"cucm_cli","arguments":{"node":"cucm1","command":"utils service restart Cisco Tftp"}}.',
    inputSchema: shape,
    outputSchema: {
      tool: z.string(), profile: z.string(), allowed: z.boolean(), rule: z.string().optional(), reason: z.string().optional(),
      write: z.boolean().optional(), allowed_by: z.array(z.string()).optional(),
    },
    annotations: READ_ONLY, target: () => ({}),
    async handler(args, ctx) {
      const a = args as { tool: string; arguments: Record<string, unknown> };
      return jsonResult({ profile: ctx.principal.profile, ...pipe.check(ctx.principal, a.tool, a.arguments) });
    },
  };
}

/** The introspection tools, bound to the pipeline they describe. */
export function createIntrospectionTools(pipe: ToolPipeline, license?: LicenseGate): ToolDefinition[] {
  return [whoami(pipe, license), checkAccess(pipe)];
}
