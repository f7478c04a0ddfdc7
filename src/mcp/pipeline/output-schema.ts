/**
 * @module A tool's outputSchema as tools/list shows it. Every tool declares the fields of its
 * structuredContent (zod); the listed JSON Schema also admits the error form `{ error: {...} }`,
 * because MCP clients validate structuredContent of error results too.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../tool-definition.ts';

const ERROR_SHAPE = z.object({
  code: z.string().regex(/^E_[A-Z_]+$/), message: z.string(), hint: z.string().optional(), retryable: z.boolean(),
  rule: z.string().optional(), allowed_by: z.array(z.string()).optional(),
  reason: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(), node: z.string().optional(), http_status: z.number().int().optional(), cisco_code: z.string().optional(),
});

/**
 * A write held by change control answers with `{ change: {...} }` (mcp/changes/change-control.ts)
 * instead of the tool's own fields, so a tool that can write admits that form too.
 */
const CHANGE_FORM = z.looseObject({ id: z.string().regex(/^chg_[0-9a-f]{32}$/), status: z.string() });

const OBJECTS = new WeakMap<ToolDefinition, z.ZodObject>();
const JSON_SCHEMAS = new WeakMap<ToolDefinition, Record<string, unknown>>();

/** The success form of a tool's structuredContent (unknown extra fields allowed). */
export function outputObject(tool: ToolDefinition): z.ZodObject {
  let o = OBJECTS.get(tool);
  if (!o) { o = z.looseObject(tool.outputSchema); OBJECTS.set(tool, o); }
  return o;
}

/** JSON Schema (draft 7) of success-or-error structuredContent, cached per tool. */
export function outputJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  let s = JSON_SCHEMAS.get(tool);
  if (s) return s;
  const ok = z.toJSONSchema(outputObject(tool), { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  const err = z.toJSONSchema(ERROR_SHAPE, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
  delete ok.$schema; delete err.$schema;
  const required = (ok.required as string[] | undefined) ?? [];
  delete ok.required;
  const writes = tool.effect !== 'read';
  const change = writes ? z.toJSONSchema(CHANGE_FORM, { target: 'draft-7', io: 'output' }) as Record<string, unknown> : undefined;
  if (change) delete change.$schema;
  s = {
    ...ok, type: 'object', properties: { ...(ok.properties as Record<string, unknown> | undefined), error: err, ...(change ? { change } : {}) },
    anyOf: [{ required }, { required: ['error'] }, ...(change ? [{ required: ['change'] }] : [])],
  };
  JSON_SCHEMAS.set(tool, s);
  return s;
}

/** Problems of a success structuredContent against the tool's declared output, if any. */
export function outputProblems(tool: ToolDefinition, structured: unknown): string | undefined {
  const held = tool.effect !== 'read' && structured !== null && typeof structured === 'object' && 'change' in structured;
  const r = held ? z.object({ change: CHANGE_FORM }).safeParse(structured) : outputObject(tool).safeParse(structured);
  return r.success ? undefined : r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'structuredContent'}: ${i.message}`).join('; ');
}
