/**
 * @module The single place around every tool call: listing by profile, rate limiting (admit),
 * then run-tool-call.ts for RBAC, audit, timing and error mapping. Tools contain none of it.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition, ToolTarget, Product, RateCategory } from './tool-definition.ts';
import type { Principal } from '../auth/principal.ts';
import type { Profile } from '../rbac/profile-schema.ts';
import type { Decision } from '../rbac/decide.ts';
import type { Logger } from '../log/logger.ts';
import type { AibridgeMetrics } from '../metrics/aibridge-metrics.ts';
import { decide } from '../rbac/decide.ts';
import { rateLimitOf } from '../rbac/rate-limit-of.ts';
import { SlidingWindowLimiter } from '../ratelimit/sliding-window.ts';
import { AppError } from '../lib/errors.ts';
import { inputJsonSchema, validateArgs } from './validate-args.ts';
import { actionFields, auditArgs } from './action-fields.ts';

export interface ProfileSource { get(name: string): Profile | undefined }
export interface AuditSink {
  append(category: 'ACTIONS' | 'RATE_LIMITED', event: string, fields: Record<string, unknown>): unknown;
  /** Group-committed durable append (AuditLog.appendAsync); preferred for tool calls. */
  appendAsync?(category: 'ACTIONS', event: string, fields: Record<string, unknown>): Promise<unknown>;
}

export interface RegistryDeps {
  profiles: ProfileSource;
  audit: AuditSink;
  logger: Logger;
  metrics: AibridgeMetrics;
  /** Clock in ms (tests inject one). */
  now?: () => number;
}

export type Admission =
  | { allowed: true }
  | { allowed: false; retryAfterS: number; limit: number; product: Product; category: RateCategory; message: string };

export interface Budget { product: Product; category: RateCategory; limit_per_minute: number; remaining: number }

export class ToolRegistry {
  readonly deps: RegistryDeps;
  readonly limiter = new SlidingWindowLimiter(60_000);
  readonly #tools = new Map<string, ToolDefinition>();
  readonly #listing = new WeakMap<ToolDefinition, Tool>();

  constructor(deps: RegistryDeps, tools: readonly ToolDefinition[] = []) {
    this.deps = deps;
    this.add(tools);
  }

  now(): number {
    return (this.deps.now ?? Date.now)();
  }

  add(tools: readonly ToolDefinition[]): void {
    for (const t of tools) {
      if (this.#tools.has(t.name)) throw new AppError('E_INTERNAL', `Tool "${t.name}" is registered twice`);
      this.#tools.set(t.name, t);
    }
  }

  get(name: string): ToolDefinition | undefined {
    return this.#tools.get(name);
  }

  all(): ToolDefinition[] {
    return [...this.#tools.values()];
  }

  profileOf(principal: Principal): Profile | undefined {
    return this.deps.profiles.get(principal.profile);
  }

  /** Static check for listing: may this profile use the tool at all? */
  listingDecision(profile: Profile | undefined, tool: ToolDefinition): Decision {
    if (tool.introspection) return { allowed: true, rule: 'introspection' };
    if (!profile) return { allowed: false, rule: 'profile', reason: 'the profile is not loaded' };
    return decide(profile, tool, { ...(tool.requires ?? {}) });
  }

  /** Tools the principal's profile may use, re-evaluated on every call (profiles hot-reload). */
  visibleTo(principal: Principal): ToolDefinition[] {
    const profile = this.profileOf(principal);
    return this.all().filter((t) => this.listingDecision(profile, t).allowed);
  }

  /** The tools/list entries for a principal. */
  listFor(principal: Principal): Tool[] {
    return this.visibleTo(principal).map((t) => this.#entry(t));
  }

  #entry(t: ToolDefinition): Tool {
    let e = this.#listing.get(t);
    if (!e) {
      e = { name: t.name, title: t.title, description: t.description, inputSchema: inputJsonSchema(t) as Tool['inputSchema'], annotations: { title: t.title, ...t.annotations } };
      this.#listing.set(t, e);
    }
    return e;
  }

  /** Product and category a call counts against (the target may name another product). */
  rateKeyOf(tool: ToolDefinition, args: unknown): { product: Product; category: RateCategory; target?: ToolTarget } {
    const v = validateArgs(tool, args);
    if (v.ok) {
      try {
        const target = tool.target(v.args as never);
        return { product: target.product ?? tool.product, category: tool.rateCategory, target };
      } catch { /* the call will fail validation later; count it against the tool's own product */ }
    }
    return { product: tool.product, category: tool.rateCategory };
  }

  /**
   * Count a tools/call against the client's sliding window (denied calls count too). Over the
   * limit: RATE_LIMITED and ACTIONS audit events, a metric, and the caller answers HTTP 429.
   */
  admit(principal: Principal, name: string, args: unknown, ctx: { requestId?: string; sessionId?: string; sourceIp?: string } = {}): Admission {
    const tool = this.get(name);
    if (!tool) return { allowed: true }; // unknown tools are refused (and audited) by the call itself
    const { product, category, target } = this.rateKeyOf(tool, args);
    const limit = rateLimitOf(this.profileOf(principal), product, category);
    const r = this.limiter.take(`${principal.clientName}\u0000${product}\u0000${category}`, limit, this.now());
    if (r.allowed) return { allowed: true };
    const retryAfterS = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
    this.deps.metrics.rateLimited(principal.clientName, product, category);
    this.deps.metrics.toolCall(principal.clientName, tool.name, 'rate_limited');
    const fields = { ...actionFields(principal, tool, target, ctx), service: category, limit_per_minute: limit, retry_after_s: retryAfterS, ...(ctx.sourceIp ? { source_ip: ctx.sourceIp } : {}) };
    try {
      this.deps.audit.append('RATE_LIMITED', 'rate_limit_exceeded', fields);
      this.deps.audit.append('ACTIONS', 'tool_call', { ...fields, result: 'rate_limited', arguments: auditArgs(args) });
    } catch (err) {
      this.deps.logger.error('audit_write_failed', { event: 'rate_limit_exceeded', message: (err as Error).message });
    }
    this.deps.logger.warning('rate_limited', { client: principal.clientName, tool: tool.name, product, category, limit, retry_after_s: retryAfterS });
    const message = `HTTP 429 Too Many Requests: rate limit exceeded: ${limit} ${category.toUpperCase()} calls per minute on ${product} for client "${principal.clientName}"; retry after ${retryAfterS} s`;
    return { allowed: false, retryAfterS, limit, product, category, message };
  }

  /** Remaining budget per category the profile defines (aibridge_whoami). */
  budget(principal: Principal): Budget[] {
    const profile = this.profileOf(principal);
    const seen = new Set<string>();
    const out: Budget[] = [];
    for (const t of this.visibleTo(principal)) {
      const product = t.product;
      const k = `${product}\u0000${t.rateCategory}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const limit = rateLimitOf(profile, product, t.rateCategory);
      out.push({ product, category: t.rateCategory, limit_per_minute: limit, remaining: this.limiter.peek(`${principal.clientName}\u0000${k}`, limit, this.now()) });
    }
    return out;
  }
}
