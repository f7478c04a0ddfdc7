/**
 * @module The one tool-call pipeline (ARCHITECTURE.md, "Tool-call pipeline"):
 *   1 prepare: find the tool, validate arguments, derive the target (prepare-call.ts) — once;
 *   2 decide: RBAC, then every ToolPolicy (decide-tool.ts) — the same function lists tools;
 *   3 rate limit: the client's sliding window per product + category (denied calls count too);
 *   4 audit `tool_call_started`, fail closed (no record, no action);
 *   5 run the handler with the request's AbortSignal;
 *   6 map the result or error (tool-error.ts), check structuredContent against the outputSchema;
 *   7 audit the outcome `tool_call` (ok, error, denied, cancelled, answered).
 * Steps 1–3 run in the HTTP route (`prepare` + `admit`) so an excess is a real HTTP 429; the
 * prepared call is handed to the SDK handler, which runs steps 4–7 (`run`).
 */
import type { ChangeControl } from '../changes/change-control.ts';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal.ts';
import type { Profile } from '../../rbac/profile-schema.ts';
import type { Logger } from '../../log/logger.ts';
import type { AibridgeMetrics, CallStatus } from '../../metrics/aibridge-metrics.ts';
import type { ToolContext, ToolDefinition, ToolTarget, Product, RateCategory } from '../tool-definition.ts';
import type { DecidePurpose, ToolPolicy } from './tool-policy.ts';
import type { ToolDecision } from './decide-tool.ts';
import type { PreparedCall } from './prepare-call.ts';
import type { ToolSet } from './tool-set.ts';
import { AppError, errorMessage } from '../../lib/errors.ts';
import { decide } from '../../rbac/decide.ts';
import { FALLBACK_RATE_LIMIT, rateLimitOf } from '../../rbac/rate-limit-of.ts';
import { SlidingWindowLimiter } from '../../ratelimit/sliding-window.ts';
import type { RateLimitState } from '../../state/shared-state.ts';
import { actionFields, auditArgs, boundedName, refusedArgs } from '../action-fields.ts';
import { INVALID_PARAMS, mcpError } from '../rpc-errors.ts';
import { decideTool } from './decide-tool.ts';
import { prepareCall } from './prepare-call.ts';
import { describeToolError, isAbort, toolErrorResult } from './tool-error.ts';
import { outputProblems } from './output-schema.ts';
import { listingEntry } from './tool-listing.ts';

export interface ProfileSource {
  get(name: string): Profile | undefined;
  /** Installed profile names (to say which profile would allow a refused call). */
  names?(): string[];
}

export interface AuditSink {
  append(category: 'ACTIONS' | 'RATE_LIMITED', event: string, fields: Record<string, unknown>): unknown;
  /** Group-committed durable append (AuditLog.appendAsync); preferred for tool calls. */
  appendAsync?(category: 'ACTIONS', event: string, fields: Record<string, unknown>): Promise<unknown>;
}

export interface PipelineDeps {
  tools: ToolSet;
  profiles: ProfileSource;
  audit: AuditSink;
  logger: Logger;
  metrics: AibridgeMetrics;
  /** Decide-step hooks, in order (change control, …). More can be added with addPolicy. */
  policies?: readonly ToolPolicy[];
  /** Clock in ms (tests inject one). */
  now?: () => number;
  /** Shared rate-limit windows (STATE_BACKEND=valkey: one limit across instances); else this process's. */
  rateLimits?: RateLimitState;
}

export interface CallContext {
  signal: AbortSignal;
  progress: ToolContext['progress'];
  elicit?: ToolContext['elicit'];
  requestId?: string;
  sessionId?: string;
  sourceIp?: string;
}

export type Admission =
  | { allowed: true }
  | { allowed: false; retryAfterS: number; limit: number; product: Product; category: RateCategory; message: string };

export interface Budget { product: Product; category: RateCategory; limit_per_minute: number; remaining: number }

/** What aibridge_check_access answers. */
export interface AccessCheck { tool: string; allowed: boolean; rule?: string; reason?: string; write?: boolean; allowed_by?: string[] }


export class ToolPipeline {
  readonly tools: ToolSet;
  readonly limiter = new SlidingWindowLimiter(60_000);
  readonly deps: PipelineDeps;
  readonly #policies: ToolPolicy[];
  /** Change control for writes (mcp/changes/change-control.ts), installed at start-up. */
  changes: ChangeControl | undefined;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.tools = deps.tools;
    this.#policies = [...(deps.policies ?? [])];
  }

  now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Add a decide-step hook; open sessions are told their tool list may have changed. */
  addPolicy(policy: ToolPolicy): void {
    this.#policies.push(policy);
    this.tools.changed();
  }

  profileOf(principal: Principal): Profile | undefined {
    return this.deps.profiles.get(principal.profile);
  }

  /** The one decision (see decide-tool.ts). `target` is omitted for listing. */
  decide(principal: Principal, tool: ToolDefinition, purpose: DecidePurpose, target?: ToolTarget, args?: Record<string, unknown>): ToolDecision {
    return decideTool({ principal, profile: this.profileOf(principal), tool, purpose, ...(target ? { target } : {}), ...(args ? { args } : {}) }, this.#policies);
  }

  /** Tools this principal may use now (profiles hot-reload, gates and policies may change). */
  visibleTo(principal: Principal): ToolDefinition[] {
    return this.tools.all().filter((t) => this.decide(principal, t, 'list').allowed);
  }

  /** tools/list for this principal, annotated for what its profile can do with each tool. */
  listFor(principal: Principal): Tool[] {
    return this.tools.all().flatMap((t) => {
      const d = this.decide(principal, t, 'list');
      return d.allowed ? [listingEntry(t, d.write)] : [];
    });
  }

  /** Profiles that would allow the call (shown with a refusal, so the agent knows whom to ask). */
  allowedBy(tool: ToolDefinition, target: ToolTarget): string[] {
    const names = this.deps.profiles.names?.() ?? [];
    return names.filter((n) => { const p = this.deps.profiles.get(n); return p !== undefined && decide(p, tool, target, 'call').allowed; }).sort();
  }

  /** Steps 1–2 without running anything: aibridge_check_access. */
  check(principal: Principal, name: string, args: unknown): AccessCheck {
    const p = prepareCall(this.tools, name, args);
    if (p.kind === 'unknown') return { tool: p.name, allowed: false, reason: p.message };
    if (p.kind === 'invalid') return { tool: p.tool.name, allowed: false, rule: p.rule, reason: describeToolError(p.error, p.tool.name).text };
    const d = this.decide(principal, p.tool, 'check', p.target, p.args);
    if (d.allowed) return { tool: p.tool.name, allowed: true, rule: d.answer?.rule ?? d.rule, write: d.write };
    const by = this.allowedBy(p.tool, p.target);
    return { tool: p.tool.name, allowed: false, rule: d.rule, reason: d.reason, write: d.write, ...(by.length ? { allowed_by: by } : {}) };
  }

  /** Step 1: prepare once; the route keeps the result for `admit` and `run`. */
  prepare(name: string, args: unknown): PreparedCall {
    return prepareCall(this.tools, name, args);
  }

  #rateKey(p: PreparedCall): { tool: ToolDefinition; product: Product; category: RateCategory; target?: ToolTarget } | undefined {
    if (p.kind === 'unknown') return undefined;
    const product = p.kind === 'ready' ? p.target.product ?? p.tool.product : p.tool.product;
    return { tool: p.tool, product, category: p.tool.rateCategory, ...(p.kind === 'ready' ? { target: p.target } : {}) };
  }

  /**
   * Step 3: count a call against the client's sliding window (denied and invalid calls count
   * too, TESTING.md T-RB-07). Over the limit: RATE_LIMITED and ACTIONS audit records, a metric;
   * the route answers HTTP 429 with Retry-After and E_RATE_LIMITED.
   */
  async admit(principal: Principal, p: PreparedCall, ctx: Omit<CallContext, 'signal' | 'progress'> = {}): Promise<Admission> {
    // Rule (issue #12 item 4): every tools/call counts against the caller's limits before anything
    // else runs, names that are no tool included (one bucket per client at the fallback limit).
    const key = this.#rateKey(p);
    const tool = key?.tool;
    const { product, category, target } = key ?? { product: 'common' as Product, category: 'common' as RateCategory, target: undefined };
    const limit = key ? rateLimitOf(this.profileOf(principal), product, category) : FALLBACK_RATE_LIMIT;
    const bucket = key ? `${principal.clientName}\u0000${product}\u0000${category}` : `${principal.clientName}\u0000unknown_tool`;
    const r = this.deps.rateLimits ? await this.deps.rateLimits.take(bucket, limit, 60_000) : this.limiter.take(bucket, limit, this.now());
    if (r.allowed) return { allowed: true };
    const retryAfterS = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
    this.deps.metrics.rateLimited(principal.clientName, product, category);
    this.deps.metrics.toolCall(principal.clientName, tool?.name ?? 'unknown', 'rate_limited');
    const fields = {
      ...actionFields(principal, tool, target, ctx), ...(p.kind === 'unknown' ? { tool_name: boundedName(p.name) } : {}),
      service: key ? category : 'unknown_tool', limit_per_minute: limit, retry_after_s: retryAfterS, ...(ctx.sourceIp ? { source_ip: ctx.sourceIp } : {}),
    };
    try {
      this.deps.audit.append('RATE_LIMITED', 'rate_limit_exceeded', fields);
      this.deps.audit.append('ACTIONS', 'tool_call', { ...fields, result: 'rate_limited', arguments: refusedArgs('args' in p ? p.args : undefined) });
    } catch (err) {
      this.deps.logger.error('audit_write_failed', { event: 'rate_limit_exceeded', message: errorMessage(err) });
    }
    this.deps.logger.warning('rate_limited', { client: principal.clientName, tool: tool?.name ?? 'unknown', product, category, limit, retry_after_s: retryAfterS });
    const message = `HTTP 429 Too Many Requests: rate limit exceeded: ${limit} ${category.toUpperCase()} calls per minute on ${product} for client "${principal.clientName}"; retry after ${retryAfterS} s`;
    return { allowed: false, retryAfterS, limit, product, category, message };
  }

  /**
   * Remaining budget per category the principal can use (aibridge_whoami); `visible` is
   * `visibleTo(principal)` when the caller already has it.
   */
  async budget(principal: Principal, visible: readonly ToolDefinition[] = this.visibleTo(principal)): Promise<Budget[]> {
    const profile = this.profileOf(principal);
    const seen = new Set<string>();
    const out: Budget[] = [];
    for (const t of visible) {
      const k = `${t.product}\u0000${t.rateCategory}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const limit = rateLimitOf(profile, t.product, t.rateCategory);
      const rateKey = `${principal.clientName}\u0000${k}`;
      const remaining = this.deps.rateLimits ? await this.deps.rateLimits.remaining(rateKey, limit, 60_000) : this.limiter.peek(rateKey, limit, this.now());
      out.push({ product: t.product, category: t.rateCategory, limit_per_minute: limit, remaining });
    }
    return out;
  }

  async #record(event: string, fields: Record<string, unknown>): Promise<void> {
    const sink = this.deps.audit;
    if (sink.appendAsync) await sink.appendAsync('ACTIONS', event, fields); else sink.append('ACTIONS', event, fields);
  }

  async #outcome(a: Attempt, status: CallStatus | 'answered', extra: Record<string, unknown>, refused = false): Promise<void> {
    const elapsedMs = this.now() - a.started;
    const fields = { ...actionFields(a.principal, a.tool, a.target, a.ctx), result: status, duration_ms: Math.round(elapsedMs * 10) / 10, ...extra, arguments: refused ? refusedArgs(a.args) : auditArgs(a.args) };
    this.deps.metrics.toolCall(a.principal.clientName, a.tool?.name ?? 'unknown', status === 'answered' ? 'ok' : status);
    // Latency by tool category (the declared product and rate category, a bounded set); a name
    // that is no tool has no category and is only counted above.
    if (a.tool) this.deps.metrics.toolCallDuration(a.tool.product, a.tool.rateCategory, elapsedMs / 1000);
    await this.#record('tool_call', fields);
  }

  /** A refusal: nothing ran. Audit failures are logged; the refusal stands either way. */
  async #refuse(a: Attempt, status: 'denied' | 'error', result: CallToolResult, extra: Record<string, unknown>): Promise<CallToolResult> {
    const bounded = typeof extra.reason === 'string' ? { ...extra, reason: extra.reason.slice(0, 512) } : extra;
    try { await this.#outcome(a, status, bounded, true); } catch (err) {
      this.deps.logger.error('audit_write_failed', { event: 'tool_call', message: errorMessage(err) });
    }
    if (status === 'denied') this.deps.logger.warning('tool_call_denied', { client: a.principal.clientName, tool: a.tool?.name, ...extra });
    return result;
  }

  /**
   * Steps 4–7 for a prepared call (`prepare` again when the route did not). Never throws except
   * McpError -32602 for an unknown tool; every other failure is an `isError` result.
   */
  async run(principal: Principal, p: PreparedCall, ctx: CallContext): Promise<CallToolResult> {
    const a: Attempt = { principal, ctx, started: this.now(), args: p.kind === 'unknown' ? undefined : p.args };
    if (p.kind === 'unknown') {
      await this.#refuse(a, 'error', toolErrorResult(describeToolError(new AppError('E_INPUT_INVALID', p.message), p.name)), { rule: 'unknown_tool', tool_name: boundedName(p.name), reason: p.message });
      throw await mcpError(INVALID_PARAMS, p.message, { code: 'E_INPUT_INVALID' });
    }
    a.tool = p.tool;
    if (p.kind === 'invalid') {
      const d = describeToolError(p.error, p.tool.name);
      this.#logToolError(p.tool.name, principal, p.error, d);
      const denied = p.rule === 'target';
      return this.#refuse(a, denied ? 'denied' : 'error', toolErrorResult(d, { rule: p.rule }), { rule: p.rule, reason: d.text });
    }
    const { tool, target } = p;
    a.target = target;
    const decision = this.decide(principal, tool, 'call', target, p.args);
    if (!decision.allowed) {
      const by = this.allowedBy(tool, target);
      const text = `Denied by profile "${principal.profile}", rule ${decision.rule}: ${decision.reason}. ${by.length ? `Profiles that allow it: ${by.join(', ')}. ` : ''}Call aibridge_whoami to see what your profile allows`;
      const err = new AppError(decision.code, text, decision.hint ? { hint: decision.hint } : {});
      const body = describeToolError(err, tool.name).body;
      return this.#refuse(a, 'denied', toolErrorResult({ text, body: { ...body, message: text } }, { rule: decision.rule, ...(by.length ? { allowed_by: by } : {}) }), { rule: decision.rule, reason: text });
    }
    if (decision.answer) {
      const ans = decision.answer;
      try { await this.#outcome(a, 'answered', { rule: ans.rule, write: decision.write }); } catch (err) {
        return this.#auditFailed(tool, err, 'tool_call');
      }
      return { content: [{ type: 'text', text: ans.text ?? JSON.stringify(ans.structured) }], structuredContent: ans.structured };
    }
    if (!tool.introspection) {
      try {
        await this.#record('tool_call_started', { ...actionFields(principal, tool, target, ctx), rule: decision.rule, write: decision.write, arguments: auditArgs(p.args) });
      } catch (err) {
        this.deps.metrics.toolCall(principal.clientName, tool.name, 'error');
        return this.#auditFailed(tool, err, 'tool_call_started');
      }
    }
    let result: CallToolResult;
    let status: CallStatus = 'ok';
    let code: string | undefined;
    let reason: string | undefined;
    try {
      if (ctx.signal.aborted) throw Object.assign(new Error('cancelled before start'), { name: 'AbortError' });
      const tctx: ToolContext = { principal, signal: ctx.signal, progress: ctx.progress, ...(ctx.elicit ? { elicit: ctx.elicit } : {}) };
      // Change control (after the decision, which classified the call): a held write is answered
      // with its change plan, or with the change applied after the person confirmed in the client.
      const held = decision.write && this.changes ? await this.changes.intercept(tool, p.args as Record<string, unknown>, target, tctx) : undefined;
      // The call ends when the request is cancelled, even while the handler still cleans up
      // (e.g. an SSH session waiting for its prompt after Ctrl-C): cancellation is never late.
      result = held ?? await untilAborted(tool.handler(p.args as never, tctx), ctx.signal);
      // A handler that stops early on cancellation may still return what it had: the call was cancelled.
      if (ctx.signal.aborted) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      if (result.isError) status = 'error';
      else if (!result.structuredContent) this.deps.logger.error('tool_output_invalid', { tool: tool.name, problem: 'no structuredContent' });
      else {
        const problem = outputProblems(tool, result.structuredContent);
        if (problem) this.deps.logger.error('tool_output_invalid', { tool: tool.name, problem });
      }
    } catch (err) {
      // A call whose request was cancelled is "cancelled", whatever the transport made of the abort.
      const cancelled = ctx.signal.aborted || isAbort(err) || (err instanceof AppError && err.code === 'E_CANCELLED');
      const d = cancelled ? describeToolError(Object.assign(new Error('cancelled'), { name: 'AbortError' }), tool.name) : describeToolError(err, tool.name);
      if (!cancelled) this.#logToolError(tool.name, principal, err, d);
      // A refusal found by the handler (e.g. no credentials of this client for that node) is a denial.
      status = cancelled ? 'cancelled' : err instanceof AppError && err.code === 'E_FORBIDDEN' ? 'denied' : 'error';
      code = d.body.code;
      reason = d.body.reason;
      result = toolErrorResult(d);
    }
    try {
      await this.#outcome(a, status, { rule: decision.rule, write: decision.write, ...(code ? { error: code } : {}), ...(reason ? { error_reason: reason } : {}) });
    } catch (err) {
      return this.#auditFailed(tool, err, 'tool_call', true);
    }
    if (status === 'ok') this.deps.logger.debug('tool_call', { client: principal.clientName, tool: tool.name, duration_ms: this.now() - a.started });
    return result;
  }

  /**
   * Rule (issue #12 item 13): every error a tool's argument/target check or handler produced is
   * logged with its code — internal ones (not an AppError: a bug) at error level with the stack,
   * so "the server log has details" is always true; expected refusals at warning level.
   */
  #logToolError(tool: string, principal: Principal, err: unknown, d: { internal: boolean; body: { code: string; reason?: string } }): void {
    const fields = { tool, client: principal.clientName, code: d.body.code, ...(d.body.reason ? { reason: d.body.reason } : {}), message: errorMessage(err) };
    if (d.internal) this.deps.logger.error('tool_failed', { ...fields, error_name: (err as Error | undefined)?.name, stack: (err as Error | undefined)?.stack });
    else this.deps.logger.warning('tool_failed', fields);
  }

  #auditFailed(tool: ToolDefinition, err: unknown, event: string, ran = false): CallToolResult {
    this.deps.logger.error('audit_write_failed', { event, tool: tool.name, message: errorMessage(err) });
    const e = ran
      ? new AppError('E_AUDIT_WRITE', `"${tool.name}" ran but its audit record could not be written, so its result is withheld`, { hint: 'ask an operator to check the audit log (disk space, permissions)' })
      : err instanceof AppError ? err : new AppError('E_AUDIT_WRITE', `Refusing "${tool.name}": its audit record could not be written`, { hint: 'ask an operator to check the audit log (disk space, permissions)' });
    return toolErrorResult(describeToolError(e, tool.name));
  }
}

function abortError(): Error {
  return Object.assign(new Error('cancelled'), { name: 'AbortError' });
}

/** `p`, or an AbortError as soon as `signal` aborts; a late rejection of `p` is absorbed. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { p.catch(() => undefined); reject(abortError()); };
    if (signal.aborted) { onAbort(); return; }
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); }, (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}

interface Attempt { principal: Principal; tool?: ToolDefinition; target?: ToolTarget; args: unknown; ctx: CallContext; started: number }

