/**
 * @module Steps 1–2 of a call: find the tool, validate the arguments against its schema (unknown
 * fields refused) and derive the target — once. The result travels with the request to the
 * decision, the rate limit and the run, so nothing is parsed twice.
 */
import type { ToolDefinition, ToolTarget } from '../tool-definition.ts';
import { AppError } from '../../lib/errors.ts';
import { escapeControlChars } from '../../lib/redact.ts';
import { validateArgs } from '../validate-args.ts';

export type PreparedCall =
  /** No such tool (or hidden by a gate): a JSON-RPC -32602 error, audited. */
  | { kind: 'unknown'; name: string; message: string }
  /** Arguments or target refused before any decision: an `isError` result, audited. */
  | { kind: 'invalid'; tool: ToolDefinition; error: unknown; rule: 'input_schema' | 'input_check' | 'target'; args: unknown }
  | { kind: 'ready'; tool: ToolDefinition; args: Record<string, unknown>; target: ToolTarget };

export interface ToolLookup {
  get(name: string): ToolDefinition | undefined;
  hiddenBy(name: string): string | undefined;
}

export function prepareCall(tools: ToolLookup, name: string, args: unknown): PreparedCall {
  const tool = tools.get(name);
  if (!tool) {
    const shown = escapeControlChars(name.slice(0, 100));
    const gate = tools.hiddenBy(name);
    const message = gate
      ? `Unknown tool "${shown}": it is not enabled on this server (${gate}); call tools/list to see the tools you may use`
      : `Unknown tool "${shown}"; call tools/list to see the tools your profile may use`;
    return { kind: 'unknown', name: shown, message };
  }
  const v = validateArgs(tool, args);
  if (!v.ok) return { kind: 'invalid', tool, error: v.error, rule: 'input_schema', args };
  try {
    return { kind: 'ready', tool, args: v.args, target: tool.target(v.args as never) };
  } catch (err) {
    const forbidden = err instanceof AppError && err.code === 'E_FORBIDDEN';
    return { kind: 'invalid', tool, error: err, rule: forbidden ? 'target' : 'input_check', args: v.args };
  }
}
