/**
 * @module Tools every profile may use, so an agent can plan within its rights: aibridge_whoami
 * (identity, profile, scopes, rate-limit budget) and aibridge_check_access (dry-run RBAC).
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from './tool-definition.ts';
import type { ToolRegistry } from './tool-registry.ts';
import { decide } from '../rbac/decide.ts';
import { validateArgs } from './validate-args.ts';
import { describeToolError } from './tool-error-result.ts';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function jsonResult(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}

function whoami(reg: ToolRegistry): ToolDefinition {
  return {
    name: 'aibridge_whoami', title: 'Who am I', product: 'common', protocol: 'report', rateCategory: 'common', introspection: true,
    description: 'Show who you are to aibridge: your client name, your RBAC profile and what it allows per product (AXL operation prefixes, SSH command prefixes, RIS filters, CUPI "METHOD /path" prefixes), the tools you may call, and how many calls per minute you have left in each category. Call it first to plan within your rights. Takes no arguments.',
    inputSchema: {}, annotations: READ_ONLY, target: () => ({}),
    async handler(_args, ctx) {
      const p = ctx.principal;
      const profile = reg.profileOf(p);
      const { description, product_scope, ...sections } = profile ?? { description: '', product_scope: [] };
      return jsonResult({
        client: p.clientName, profile: p.profile, profile_loaded: profile !== undefined,
        ...(profile ? { profile_description: description, product_scope, permissions: sections } : { note: 'your profile is not loaded, so every Cisco call is denied; ask an operator to fix profiles/' + p.profile + '.json' }),
        auth_method: p.authMethod, token_expires_at: new Date(p.expiresAt * 1000).toISOString(),
        tools: reg.visibleTo(p).map((t) => t.name),
        rate_limits: reg.budget(p),
      });
    },
  };
}

function checkAccess(reg: ToolRegistry): ToolDefinition {
  const shape = {
    tool: z.string().min(1).max(100).describe('Name of the tool you plan to call, e.g. "cucm_axl_request"'),
    arguments: z.record(z.string(), z.unknown()).default({}).describe('The arguments you plan to pass, exactly as for the real call'),
  };
  return {
    name: 'aibridge_check_access', title: 'Check access (dry run)', product: 'common', protocol: 'report', rateCategory: 'common', introspection: true,
    description: 'Ask whether your profile would allow a call, without contacting any Cisco system: give the tool name and the arguments you plan to use (for example the AXL operation, the CLI command or the CUPI method and path). Returns allowed true/false and the profile rule that decides it. Example: {"tool":"cucm_cli","arguments":{"node":"cucm1","command":"utils service restart Cisco Tftp"}}.',
    inputSchema: shape, annotations: READ_ONLY, target: () => ({}),
    async handler(args, ctx) {
      const a = args as { tool: string; arguments: Record<string, unknown> };
      const tool = reg.get(a.tool);
      if (!tool) return jsonResult({ tool: a.tool.slice(0, 100), allowed: false, reason: 'no such tool; call tools/list' });
      const v = validateArgs(tool, a.arguments);
      if (!v.ok) return jsonResult({ tool: tool.name, allowed: false, reason: describeToolError(v.error, tool.name).text });
      let target;
      try { target = tool.target(v.args as never); } catch (err) {
        return jsonResult({ tool: tool.name, allowed: false, reason: describeToolError(err, tool.name).text });
      }
      const profile = reg.profileOf(ctx.principal);
      if (tool.introspection) return jsonResult({ tool: tool.name, allowed: true, rule: 'introspection' });
      if (!profile) return jsonResult({ tool: tool.name, allowed: false, rule: 'profile', reason: 'your profile is not loaded' });
      const d = decide(profile, tool, target);
      return jsonResult({ tool: tool.name, profile: ctx.principal.profile, ...d });
    },
  };
}

/** The introspection tools, bound to the registry they describe. */
export function createIntrospectionTools(reg: ToolRegistry): ToolDefinition[] {
  return [whoami(reg), checkAccess(reg)] as ToolDefinition[];
}
