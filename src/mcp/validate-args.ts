/**
 * @module Tool arguments checked against the tool's zod shape (unknown fields refused), with an
 * error that names each field and the rule it broke, so an agent can correct its call.
 */
import { z } from 'zod';
import type { ToolDefinition } from './tool-definition.ts';
import { AppError } from '../lib/errors.ts';

const SCHEMAS = new WeakMap<ToolDefinition, z.ZodObject>();

/** The strict object schema of a tool (cached). */
export function argsSchema(tool: ToolDefinition): z.ZodObject {
  let s = SCHEMAS.get(tool);
  if (!s) { s = z.object(tool.inputSchema).strict(); SCHEMAS.set(tool, s); }
  return s;
}

/** JSON Schema of the tool's input, as listed in tools/list. */
export function inputJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  const json = z.toJSONSchema(argsSchema(tool), { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : 'arguments';
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k.slice(0, 60)}"`).join(', ')}`;
  return `${where}: ${issue.message}`;
}

export type ArgsResult = { ok: true; args: Record<string, unknown> } | { ok: false; error: AppError };

/** Validate `args` (undefined means `{}`). */
export function validateArgs(tool: ToolDefinition, args: unknown): ArgsResult {
  const r = argsSchema(tool).safeParse(args ?? {});
  if (r.success) return { ok: true, args: r.data };
  const detail = r.error.issues.slice(0, 10).map(describeIssue).join('; ');
  return {
    ok: false,
    error: new AppError('E_INPUT_INVALID', `Invalid arguments for "${tool.name}": ${detail}`, { hint: 'fix the named fields and call again; tools/list shows the input schema' }),
  };
}
