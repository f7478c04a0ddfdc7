/**
 * @module One tools/call: look up, validate arguments, derive the target, RBAC decision, audit
 * (fail closed: no record, no action), run with timing, audit the outcome, map errors.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext, ToolDefinition, ToolTarget } from './tool-definition.ts';
import type { Principal } from '../auth/principal.ts';
import type { CallStatus } from '../metrics/aibridge-metrics.ts';
import type { ToolRegistry } from './tool-registry.ts';
import { decide } from '../rbac/decide.ts';
import { AppError, errorMessage } from '../lib/errors.ts';
import { escapeControlChars } from '../lib/redact.ts';
import { validateArgs } from './validate-args.ts';
import { actionFields, auditArgs } from './action-fields.ts';
import { describeToolError, errorResult } from './tool-error-result.ts';

export interface CallContext {
  signal: AbortSignal;
  progress: ToolContext['progress'];
  requestId?: string;
  sessionId?: string;
}

interface Attempt { principal: Principal; tool?: ToolDefinition; target?: ToolTarget; args: unknown; ctx: CallContext; started: number }

/** Durable append that does not block other sessions (group commit) when the sink offers it. */
async function record(reg: ToolRegistry, event: string, fields: Record<string, unknown>): Promise<void> {
  const sink = reg.deps.audit;
  if (sink.appendAsync) await sink.appendAsync('ACTIONS', event, fields); else sink.append('ACTIONS', event, fields);
}

async function finish(reg: ToolRegistry, a: Attempt, status: CallStatus, extra: Record<string, unknown>): Promise<void> {
  const fields = { ...actionFields(a.principal, a.tool, a.target, a.ctx), result: status, duration_ms: Math.round((reg.now() - a.started) * 10) / 10, ...extra, arguments: auditArgs(a.args) };
  reg.deps.metrics.toolCall(a.principal.clientName, a.tool?.name ?? 'unknown', status);
  await record(reg, 'tool_call', fields);
}

/** Record a refusal (nothing ran) and answer with an error result. */
async function refuse(reg: ToolRegistry, a: Attempt, status: 'denied' | 'error', text: string, extra: Record<string, unknown>): Promise<CallToolResult> {
  try { await finish(reg, a, status, { ...extra, reason: text }); } catch (err) {
    reg.deps.logger.error('audit_write_failed', { event: 'tool_call', message: errorMessage(err) });
  }
  if (status === 'denied') reg.deps.logger.warning('tool_call_denied', { client: a.principal.clientName, tool: a.tool?.name, ...extra });
  return errorResult(text, { result: status, ...extra });
}

/** Run one call through every check. Never throws: failures are `isError` results. */
export async function runToolCall(reg: ToolRegistry, principal: Principal, name: string, args: unknown, ctx: CallContext): Promise<CallToolResult> {
  const a: Attempt = { principal, args, ctx, started: reg.now() };
  const tool = reg.get(name);
  if (!tool) return refuse(reg, a, 'error', `Unknown tool "${escapeControlChars(name.slice(0, 100))}"; call tools/list to see the tools your profile may use`, { rule: 'unknown_tool' });
  a.tool = tool;
  const v = validateArgs(tool, args);
  if (!v.ok) return refuse(reg, a, 'error', describeToolError(v.error, tool.name).text, { rule: 'input_schema' });
  try {
    a.target = tool.target(v.args as never);
  } catch (err) {
    const forbidden = err instanceof AppError && err.code === 'E_FORBIDDEN';
    return refuse(reg, a, forbidden ? 'denied' : 'error', describeToolError(err, tool.name).text, { rule: forbidden ? 'target' : 'input_check' });
  }
  const profile = reg.profileOf(principal);
  const decision = tool.introspection ? { allowed: true as const, rule: 'introspection' }
    : profile ? decide(profile, tool, a.target)
    : { allowed: false as const, rule: 'profile', reason: `profile "${principal.profile}" is not loaded (missing or invalid file in profiles/)` };
  if (!decision.allowed) {
    const text = `Denied by profile "${principal.profile}", rule ${decision.rule}: ${decision.reason}. Call aibridge_whoami to see what your profile allows`;
    return refuse(reg, a, 'denied', text, { rule: decision.rule });
  }
  if (!tool.introspection) {
    try {
      await record(reg, 'tool_call_started', { ...actionFields(principal, tool, a.target, ctx), rule: decision.rule, arguments: auditArgs(args) });
    } catch (err) {
      reg.deps.metrics.toolCall(principal.clientName, tool.name, 'error');
      reg.deps.logger.error('audit_write_failed', { event: 'tool_call_started', tool: tool.name, message: errorMessage(err) });
      return errorResult(describeToolError(err, tool.name).text, { result: 'error' });
    }
  }
  let result: CallToolResult;
  let status: CallStatus = 'ok';
  let code: string | undefined;
  try {
    result = await tool.handler(v.args as never, { principal, signal: ctx.signal, progress: ctx.progress });
    if (result.isError) status = 'error';
  } catch (err) {
    const d = describeToolError(err, tool.name);
    if (d.internal) reg.deps.logger.error('tool_failed', { tool: tool.name, client: principal.clientName, message: errorMessage(err), stack: (err as Error).stack });
    // A refusal found by the handler (e.g. no credentials of this client for that node) is a denial.
    status = err instanceof AppError && err.code === 'E_FORBIDDEN' ? 'denied' : 'error';
    code = d.code;
    result = errorResult(d.text);
  }
  try {
    await finish(reg, a, status, { rule: decision.rule, ...(code ? { error: code } : {}) });
  } catch (err) {
    reg.deps.logger.error('audit_write_failed', { event: 'tool_call', tool: tool.name, message: errorMessage(err) });
    const e = new AppError('E_AUDIT_WRITE', `"${tool.name}" ran but its audit record could not be written, so its result is withheld`, { hint: 'ask an operator to check the audit log (disk space, permissions)' });
    return errorResult(describeToolError(e, tool.name).text, { result: 'error' });
  }
  if (status === 'ok') reg.deps.logger.debug('tool_call', { client: principal.clientName, tool: tool.name, duration_ms: reg.now() - a.started });
  return result;
}
