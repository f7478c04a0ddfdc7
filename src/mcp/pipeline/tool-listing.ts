/**
 * @module A tools/list entry: input and output JSON Schema, and annotations for what this profile
 * can actually do with the tool. A tool whose effect depends on the call (`effect: 'per-target'`,
 * e.g. the generic AXL tool) is annotated read-only for a profile that allows it only reads, so a
 * client that honours hints does not ask for approval of every read.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolAnnotations, ToolDefinition } from '../tool-definition.ts';
import { inputJsonSchema } from '../validate-args.ts';
import { outputJsonSchema } from './output-schema.ts';

/** The tool's annotations when the caller can make writes with it, or only reads. */
export function annotationsFor(tool: ToolDefinition, canWrite: boolean): ToolAnnotations {
  if (tool.effect !== 'per-target' || canWrite) return tool.annotations;
  return { ...tool.annotations, readOnlyHint: true, destructiveHint: false, idempotentHint: true };
}

const CACHE = new WeakMap<ToolDefinition, { write?: Tool; read?: Tool }>();

export function listingEntry(tool: ToolDefinition, canWrite: boolean): Tool {
  let c = CACHE.get(tool);
  if (!c) { c = {}; CACHE.set(tool, c); }
  const k = canWrite ? 'write' : 'read';
  let e = c[k];
  if (!e) {
    e = {
      name: tool.name, title: tool.title, description: tool.description,
      inputSchema: inputJsonSchema(tool) as Tool['inputSchema'],
      outputSchema: outputJsonSchema(tool) as Tool['outputSchema'],
      annotations: { title: tool.title, ...annotationsFor(tool, canWrite) },
    };
    c[k] = e;
  }
  return e;
}
