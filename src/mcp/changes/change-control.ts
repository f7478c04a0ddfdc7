/**
 * @module Change control at the decide step of a tool call: a write (rbac/write-classes.ts, via the decision) is
 * not run; it becomes a change plan with the object's current state, stored under the client's
 * folder, and is applied only after a person approves it (in the client via elicitation, on the
 * appliance, or by a second client with the approver profile). Apply re-reads the object (stale
 * check), runs exactly the approved request (digest check), reads it back and keeps the
 * after-image; revert plans the way back. The state machine is src/changes/change-machine.ts.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/principal.ts';
import type { Profile } from '../../rbac/profile-schema.ts';
import { decide } from '../../rbac/decide.ts';
import { matchCupi, matchSsh } from '../../rbac/match-rules.ts';
import { AppError } from '../../lib/errors.ts';
import { redact } from '../../lib/redact.ts';
import type { ChangeRecord, Image } from '../../changes/change-record.ts';
import { imageDigest, newChangeId, requestDigest } from '../../changes/change-record.ts';
import type { ChangeStore } from '../../changes/change-store.ts';
import { ChangeRefused, checkApplicable, checkRevertible, dispatch, finish, markReverted, markStale } from '../../changes/change-machine.ts';
import type { ChangeAuditSink } from '../../changes/change-audit.ts';
import { auditChange } from '../../changes/change-audit.ts';
import { auditDenied, decideChange } from '../../changes/decide-change.ts';
import { approvalText } from '../../changes/change-text.ts';
import type { ToolContext, ToolDefinition, ToolTarget } from '../tool-definition.ts';
import { operationOf } from '../action-fields.ts';
import { validateArgs } from '../validate-args.ts';
import { provesNotApplied } from '../../cisco/upstream-error.ts';
import type { ChangeAdapter, ChangeFacts } from './change-adapter.ts';
import { IRREVERSIBLE } from './change-adapter.ts';

export interface ChangeControlDeps {
  store: ChangeStore;
  audit: ChangeAuditSink;
  /** CHANGE_APPROVAL_TTL_SECONDS in ms. */
  ttlMs: number;
  tools: { get(name: string): ToolDefinition | undefined };
  profileOf(p: Principal): Profile | undefined;
  now?: () => number;
}

export interface ChangePolicy { approval: boolean; fourEyes: boolean }

/** Does an operation name of the profile's `changes` lists cover this call? */
function listed(list: readonly string[] | undefined, tool: ToolDefinition, target: ToolTarget): boolean {
  if (!list?.length) return false;
  if (target.cupiRequest) return matchCupi(target.cupiRequest, list) !== undefined;
  if (target.sshCommand) return matchSsh(target.sshCommand, list) !== undefined;
  const op = target.axlOperation ?? tool.name;
  return list.includes(op);
}

export function changePolicy(profile: Profile | undefined, tool: ToolDefinition, target: ToolTarget): ChangePolicy {
  const c = profile?.changes;
  return { approval: !listed(c?.exempt_operations, tool, target), fourEyes: listed(c?.four_eyes_operations, tool, target) };
}

const APPROVE_FIELD = 'approve';

/** The change as an agent sees it (request redacted: secrets an agent sent are never echoed). */
export function changeView(rec: ChangeRecord): Record<string, unknown> {
  return {
    id: rec.id, status: rec.status, client: rec.client, tool: rec.tool, node: rec.node, operation: rec.operation, object: rec.object,
    request: redact(rec.request), before: rec.before, diff: rec.diff, reversible: rec.reversible,
    ...(rec.irreversible_reason ? { irreversible_reason: rec.irreversible_reason } : {}),
    four_eyes: rec.four_eyes, created_at: rec.created_at, expires_at: rec.expires_at,
    ...(rec.approved_by ? { approved_by: rec.approved_by } : {}), ...(rec.rejected_by ? { rejected_by: rec.rejected_by } : {}),
    ...(rec.after ? { after: rec.after } : {}), ...(rec.reason ? { reason: rec.reason } : {}),
    ...(rec.reverts ? { reverts: rec.reverts } : {}), ...(rec.reverted_by ? { reverted_by: rec.reverted_by } : {}),
    approve_with: approveWith(rec),
  };
}

function approveWith(rec: ChangeRecord): string[] {
  if (rec.status === 'approved') return [`aibridge_change_apply {"id":"${rec.id}"} (by client "${rec.client}", before ${rec.expires_at})`];
  if (rec.status !== 'pending_approval') return [];
  return [
    `on the appliance: aibridge changes approve ${rec.id}`,
    `from a client with the approver profile: aibridge_change_approve {"id":"${rec.id}"}`,
    ...(rec.four_eyes ? [] : ['or call the write again from an MCP client that supports elicitation, and confirm there']),
    `then: aibridge_change_apply {"id":"${rec.id}"}`,
  ];
}

export function changeResult(rec: ChangeRecord, headline: string, extra: Record<string, unknown> = {}): CallToolResult {
  const view = changeView(rec);
  const text = `${headline}\n\n${approvalText(rec)}\n\n${JSON.stringify({ change: view, ...extra })}`;
  return { content: [{ type: 'text', text }], structuredContent: { change: view, ...extra } };
}

function factsOf(rec: ChangeRecord): ChangeFacts {
  return { request: rec.request, before: rec.before, after: rec.after, diff: rec.diff, probe: rec.probe };
}

export class ChangeControl {
  readonly #d: ChangeControlDeps;
  /** Changes this process is applying right now (their outcome_unknown is not yet an unknown). */
  readonly #inFlight = new Set<string>();

  constructor(deps: ChangeControlDeps) {
    this.#d = deps;
  }

  now(): number {
    return (this.#d.now ?? Date.now)();
  }

  get store(): ChangeStore { return this.#d.store; }

  /**
   * For a call the decision classified as a write (pipeline/decide-tool.ts, rbac/write-classes.ts):
   * undefined = run it as usual (an exempt write); otherwise the call's answer (a plan, or the
   * applied change after in-client approval).
   */
  async intercept(tool: ToolDefinition, args: Record<string, unknown>, target: ToolTarget, ctx: ToolContext): Promise<CallToolResult | undefined> {
    const profile = this.#d.profileOf(ctx.principal);
    const policy = changePolicy(profile, tool, target);
    if (!policy.approval) {
      this.#d.audit.append('CHANGE', 'change_exempt', { client: ctx.principal.clientName, profile: ctx.principal.profile, tool: tool.name, node: target.node, operation: operationOf(target), request_sha256: requestDigest(tool.name, args), result: 'ok' });
      return undefined;
    }
    const rec = await this.#plan(tool, args, target, ctx, policy.fourEyes);
    return this.#offer(rec, ctx, tool);
  }

  async #plan(tool: ToolDefinition, args: Record<string, unknown>, target: ToolTarget, ctx: ToolContext, fourEyes: boolean, reverts?: string): Promise<ChangeRecord> {
    const adapter = tool.change ?? IRREVERSIBLE;
    const planned = await adapter.plan(args, ctx);
    const now = this.now();
    const rec: ChangeRecord = {
      id: newChangeId(), status: 'pending_approval', client: ctx.principal.clientName, profile: ctx.principal.profile,
      tool: tool.name, node: target.node, operation: operationOf(target), request: args, request_digest: requestDigest(tool.name, args),
      summary: `${operationOf(target) ?? tool.name} on ${target.node ?? '-'}`, object: planned.object,
      before: planned.before, before_digest: imageDigest(planned.before), diff: planned.diff,
      reversible: planned.reversible && adapter.revert !== undefined,
      ...(planned.irreversibleReason ? { irreversible_reason: planned.irreversibleReason } : !adapter.revert ? { irreversible_reason: 'this tool has no undo' } : {}),
      four_eyes: fourEyes, created_at: new Date(now).toISOString(), expires_at: new Date(now + this.#d.ttlMs).toISOString(),
      ...(reverts ? { reverts } : {}), ...(planned.probe !== undefined ? { probe: planned.probe } : {}),
    };
    auditChange(this.#d.audit, 'planned', rec); // fail closed: no record, no plan
    this.#d.store.create(rec);
    return rec;
  }

  /** Ask the person in the client when it can (elicitation), else answer with the pending plan. */
  async #offer(rec: ChangeRecord, ctx: ToolContext, tool: ToolDefinition): Promise<CallToolResult> {
    const pending = (why: string) => changeResult(rec, `Nothing was changed yet: this write is held as change ${rec.id} (pending approval). ${why}`);
    if (rec.four_eyes) return pending('It needs four eyes: another person must approve it.');
    if (!ctx.elicit) return pending('Your client cannot ask you to confirm (no elicitation support), so it must be approved elsewhere.');
    let answer;
    try {
      answer = await ctx.elicit(`${approvalText(rec)}\n\nApply this change now?`, {
        type: 'object', properties: { [APPROVE_FIELD]: { type: 'boolean', title: 'Apply this change', description: 'Yes applies the change exactly as shown; no rejects it', default: false } }, required: [APPROVE_FIELD],
      });
    } catch {
      return pending('The client did not answer the confirmation request.');
    }
    const by = { via: 'elicitation' as const, who: ctx.principal.clientName, at: new Date(this.now()).toISOString() };
    if (answer.action !== 'accept' || answer.content?.[APPROVE_FIELD] !== true) {
      const r = decideChange(this.#deps(), rec.id, 'reject', by, `elicitation ${answer.action}`);
      return changeResult(r, `The change was ${answer.action === 'cancel' ? 'cancelled' : 'declined'} in the client, so it is rejected and nothing was changed.`);
    }
    decideChange(this.#deps(), rec.id, 'approve', by);
    return this.#applyNow(rec.id, ctx, tool);
  }

  #deps() {
    return { store: this.#d.store, audit: this.#d.audit, ttlMs: this.#d.ttlMs, now: this.now() };
  }

  /** Refusals from the MCP tools are audited as denied (CHANGE) and rethrown (ACTIONS: denied). */
  #guard<T>(id: string, actor: string, action: string, fn: () => T): T {
    try { return fn(); } catch (err) {
      if (err instanceof ChangeRefused) auditDenied(this.#d.audit, this.#d.store, id, err, actor, action);
      throw err;
    }
  }

  async #guardAsync<T>(id: string, actor: string, action: string, fn: () => Promise<T>): Promise<T> {
    try { return await fn(); } catch (err) {
      if (err instanceof ChangeRefused) auditDenied(this.#d.audit, this.#d.store, id, err, actor, action);
      throw err;
    }
  }

  #own(id: string, p: Principal, action: string, othersOk: boolean): ChangeRecord {
    const rec = this.#d.store.get(id);
    if (rec.client !== p.clientName && !othersOk) throw new ChangeRefused('not_yours', id, `Change ${id} belongs to another client; you can only ${action} your own changes`);
    return rec;
  }

  #mayApprove(p: Principal): boolean {
    return this.#d.profileOf(p)?.changes?.approve_others === true;
  }

  /** aibridge_change_approve / aibridge_change_reject by another client. */
  decideByClient(p: Principal, id: string, verdict: 'approve' | 'reject', note?: string): CallToolResult {
    const actor = `client:${p.clientName}`;
    const rec = this.#guard(id, actor, verdict, () => {
      const cur = this.#d.store.get(id);
      const own = cur.client === p.clientName;
      if (verdict === 'approve' && own) throw new ChangeRefused('self_approval', id, `Client "${p.clientName}" cannot approve its own change ${id}`, 'another client with the approver profile, or an operator with "aibridge changes approve", must approve it');
      if (!own && !this.#mayApprove(p)) throw new ChangeRefused('not_allowed', id, `Profile "${p.profile}" may not ${verdict} other clients' changes`, 'the approver profile (changes.approve_others) may');
      return cur;
    });
    const by = { via: 'client' as const, who: p.clientName, at: new Date(this.now()).toISOString() };
    const next = decideChange(this.#deps(), rec.id, verdict, by, note);
    return changeResult(next, verdict === 'approve' ? `Change ${id} is approved; client "${next.client}" may apply it with aibridge_change_apply before ${next.expires_at}.` : `Change ${id} is rejected; it can never be applied.`);
  }

  /** aibridge_change_apply: only the requester, only approved and unexpired, once. */
  async apply(id: string, ctx: ToolContext): Promise<CallToolResult> {
    const actor = `client:${ctx.principal.clientName}`;
    const { rec, tool } = this.#guard(id, actor, 'apply', () => {
      const r = this.#own(id, ctx.principal, 'apply', false);
      checkApplicable(r, ctx.principal.clientName, this.now());
      return { rec: r, tool: this.#toolFor(r, ctx.principal) };
    });
    return this.#guardAsync(id, actor, 'apply', () => this.#applyNow(rec.id, ctx, tool));
  }

  /** The tool of a stored change, re-authorised against the caller's profile as it is now. */
  #toolFor(rec: ChangeRecord, p: Principal): ToolDefinition {
    const tool = this.#d.tools.get(rec.tool);
    if (!tool) throw new ChangeRefused('not_allowed', rec.id, `Tool "${rec.tool}" of change ${rec.id} no longer exists`);
    const v = validateArgs(tool, rec.request);
    if (!v.ok) throw new ChangeRefused('digest_mismatch', rec.id, `The stored request of change ${rec.id} no longer validates; nothing was sent`);
    const profile = this.#d.profileOf(p);
    const d = profile ? decide(profile, tool, tool.target(v.args as never), 'call') : { allowed: false as const, rule: 'profile', reason: 'the profile is not loaded' };
    if (!d.allowed) throw new ChangeRefused('not_allowed', rec.id, `Your profile no longer allows change ${rec.id}: rule ${d.rule}: ${d.reason}`);
    return tool;
  }

  async #applyNow(id: string, ctx: ToolContext, tool: ToolDefinition): Promise<CallToolResult> {
    const client = ctx.principal.clientName;
    const adapter: ChangeAdapter = tool.change ?? IRREVERSIBLE;
    const rec0 = this.#d.store.get(id);
    checkApplicable(rec0, client, this.now());
    // Stale check: the object must still be what the plan showed.
    if (adapter.read && rec0.before !== undefined) {
      const current = await adapter.read(factsOf(rec0), 'apply', ctx);
      if (current !== undefined && imageDigest(current) !== rec0.before_digest) {
        const stale = this.#d.store.update(id, (r) => {
          checkApplicable(r, client, this.now());
          const n = markStale(r, current, this.now());
          auditChange(this.#d.audit, 'stale', n);
          return n;
        });
        throw new ChangeRefused('stale', stale.id, `Change ${id} is stale: ${stale.object} changed on the node after the plan was made, so nothing was sent and the approval is spent`, 'read the object again and plan a new change');
      }
    }
    const dispatched = this.#d.store.update(id, (r) => {
      const n = dispatch(r, client, this.now(), process.pid);
      auditChange(this.#d.audit, 'dispatched', n);
      return n;
    });
    this.#inFlight.add(id);
    try {
      let result: CallToolResult | undefined;
      let error: unknown;
      try { result = await tool.handler(dispatched.request as never, ctx); } catch (err) { error = err; }
      if (error !== undefined || result?.isError) {
        const why = error instanceof Error ? error.message : 'the tool answered with an error';
        const verdict = adapter.verify ? await adapter.verify(factsOf(dispatched), ctx).catch(() => undefined) : undefined;
        const before = adapter.read ? await adapter.read(factsOf(dispatched), 'apply', ctx).catch(() => undefined) : undefined;
        const unchanged = before !== undefined && imageDigest(before) === dispatched.before_digest;
        if (verdict?.ok) return this.#finish(id, { ok: true, after: verdict.after }, `Change ${id} was applied (the node's answer was lost, the read-back confirms it).`);
        // Decided by the error's reason (never its wording): not sent, or refused by the node.
        if (unchanged || provesNotApplied(error) || !adapter.read) {
          const r = this.#finish(id, { ok: false, reason: `the node did not apply it: ${why.slice(0, 300)}`, ...(before ? { after: before } : {}) }, `Change ${id} failed: ${why.slice(0, 300)}`);
          return { ...r, isError: true };
        }
        const r = this.#d.store.update(id, (x) => ({ ...x, reason: `the answer was lost and the read-back matches neither the plan nor the before-image: ${why.slice(0, 200)}` }));
        auditChange(this.#d.audit, 'outcome_unknown', r);
        return { ...changeResult(r, `Change ${id}: outcome unknown; aibridge_change_show reconciles it against the node`), isError: true };
      }
      const verdict = adapter.verify ? await adapter.verify(factsOf(dispatched), ctx).catch((err: unknown) => ({ ok: true, after: undefined, reason: `read-back failed: ${(err as Error).message}` })) : { ok: true, after: undefined as Image | undefined };
      if (!verdict.ok) {
        const r = this.#finish(id, { ok: false, reason: `the node accepted the request but ${verdict.reason ?? 'the read-back differs'}`, ...(verdict.after ? { after: verdict.after } : {}) }, `Change ${id} was sent but did not take effect as planned`);
        return { ...r, isError: true };
      }
      const done = this.#finish(id, { ok: true, after: verdict.after, result: summarise(result) }, `Change ${id} was applied and the read-back confirms it.`);
      return { ...done, content: [...done.content, ...(result?.content ?? [])] };
    } finally {
      this.#inFlight.delete(id);
    }
  }

  #finish(id: string, outcome: Parameters<typeof finish>[1], headline: string): CallToolResult {
    const r = this.#d.store.update(id, (x) => {
      const n = finish(x, outcome, this.now());
      auditChange(this.#d.audit, n.status === 'applied' ? 'applied' : 'failed', n);
      return n;
    });
    if (r.status === 'applied' && r.reverts) this.#markReverted(r);
    return changeResult(r, headline);
  }

  #markReverted(revert: ChangeRecord): void {
    try {
      this.#d.store.update(revert.reverts!, (orig) => {
        const n = markReverted(orig, revert.id, this.now());
        auditChange(this.#d.audit, 'reverted', n, { reverted_by: revert.id });
        return n;
      });
    } catch (err) {
      if (!(err instanceof ChangeRefused)) throw err;
    }
  }

  /** aibridge_change_revert: a new plan that restores the before-image, approved like any change. */
  async revert(id: string, ctx: ToolContext): Promise<CallToolResult> {
    const actor = `client:${ctx.principal.clientName}`;
    return this.#guardAsync(id, actor, 'revert', async () => {
      const rec = this.#own(id, ctx.principal, 'revert', false);
      checkRevertible(rec, ctx.principal.clientName);
      const tool = this.#toolFor(rec, ctx.principal);
      const adapter = tool.change;
      if (!adapter?.revert) throw new ChangeRefused('irreversible', id, `Change ${id} has no undo`);
      if (adapter.read && rec.after_digest) {
        const current = await adapter.read(factsOf(rec), 'revert', ctx);
        if (current !== undefined && imageDigest(current) !== rec.after_digest) {
          throw new ChangeRefused('stale', id, `Change ${id} cannot be reverted: ${rec.object} changed on the node after the change was applied, so restoring the before-image would overwrite someone else's change`, 'read the object and plan the change you want explicitly');
        }
      }
      const args = adapter.revert(factsOf(rec));
      const v = validateArgs(tool, args);
      if (!v.ok) throw new AppError('E_INPUT_INVALID', `The undo of change ${id} is not a valid ${tool.name} call: ${String(v.error)}`);
      const a = v.args as Record<string, unknown>;
      const target = tool.target(a as never);
      const profile = this.#d.profileOf(ctx.principal);
      const d = profile ? decide(profile, tool, target, 'call') : { allowed: false as const, rule: 'profile', reason: 'the profile is not loaded' };
      if (!d.allowed) throw new ChangeRefused('not_allowed', id, `Your profile does not allow the undo of ${id}: rule ${d.rule}: ${d.reason}`);
      const planned = await this.#plan(tool, a, target, ctx, changePolicy(profile, tool, target).fourEyes, id);
      return this.#offer(planned, ctx, tool);
    });
  }

  /** aibridge_change_show; an outcome_unknown nobody is applying is reconciled against the node. */
  async show(id: string, ctx: ToolContext): Promise<CallToolResult> {
    const p = ctx.principal;
    let rec = this.#guard(id, `client:${p.clientName}`, 'show', () => this.#own(id, p, 'see', this.#mayApprove(p)));
    if (rec.status === 'outcome_unknown' && !this.#inFlight.has(id) && rec.client === p.clientName) rec = await this.#reconcile(rec, ctx);
    return changeResult(rec, `Change ${id} is ${rec.status}.`);
  }

  async #reconcile(rec: ChangeRecord, ctx: ToolContext): Promise<ChangeRecord> {
    const tool = this.#d.tools.get(rec.tool);
    const adapter = tool?.change;
    if (!adapter?.verify || !adapter.read) return rec;
    const verdict = await adapter.verify(factsOf(rec), ctx);
    const current = verdict.ok ? undefined : await adapter.read(factsOf(rec), 'apply', ctx);
    const untouched = current !== undefined && imageDigest(current) === rec.before_digest;
    if (!verdict.ok && !untouched) return rec;
    return this.#d.store.update(rec.id, (x) => {
      if (x.status !== 'outcome_unknown') return x;
      const n = finish(x, verdict.ok ? { ok: true, after: verdict.after } : { ok: false, reason: 'reconciled: the node never applied it (the object is as it was before)', ...(current ? { after: current } : {}) }, this.now());
      auditChange(this.#d.audit, 'reconciled', n);
      if (n.status === 'applied' && n.reverts) queueMicrotask(() => this.#markReverted(n));
      return n;
    });
  }

  /** aibridge_changes_list: own changes; a profile that may approve also sees everyone's pending ones. */
  list(p: Principal, status?: string): CallToolResult {
    const own = this.#d.store.list(p.clientName);
    const others = this.#mayApprove(p) ? this.#d.store.list().filter((r) => r.client !== p.clientName && r.status === 'pending_approval') : [];
    const rows = [...own, ...others].filter((r) => !status || r.status === status).slice(0, 200).map((r) => ({
      id: r.id, status: r.status, client: r.client, tool: r.tool, node: r.node, operation: r.operation, object: r.object, created_at: r.created_at, expires_at: r.expires_at, reversible: r.reversible,
    }));
    const text = rows.length ? rows.map((r) => `${r.id} ${r.status} ${r.client} ${r.operation ?? r.tool} ${r.object}`).join('\n') : 'No changes.';
    return { content: [{ type: 'text', text: `${text}\n\n${JSON.stringify({ changes: rows })}` }], structuredContent: { changes: rows } };
  }
}

/** A short note of what the node answered (kept with the applied change). */
function summarise(result: CallToolResult | undefined): unknown {
  const t = result?.content?.find((c) => c.type === 'text');
  return t && 'text' in t ? String(t.text).slice(0, 500) : undefined;
}
