/**
 * @module Change control for AXL writes (cucm_axl_request / imp_axl_request). Before-image: the
 * matching get* of the object an update/remove names; "does not exist yet" for add (checked with
 * the same get). Verify reads it back with that get; undo is update-back, remove-what-was-added or
 * re-add-what-was-removed (from the before-image). Other verbs (apply, reset, restart, do, lock,
 * wipe, assign) have no undo and say so. executeSQLUpdate through the generic tool uses sql-change.
 */
import type { XValue } from '../../lib/xsd/xvalue.ts';
import { xObj } from '../../lib/xsd/xvalue.ts';
import { AppError } from '../../lib/errors.ts';
import type { FieldDiff, Image } from '../../changes/change-record.ts';
import { quoteValue } from '../../changes/change-text.ts';
import type { ToolContext } from '../tool-definition.ts';
import type { CiscoServices } from '../tools/cisco-services.ts';
import { loginFor } from '../tools/tool-result.ts';
import type { ChangeAdapter, ChangeFacts, PlannedChange, Verdict } from './change-adapter.ts';
import { holds, plainValue } from './change-adapter.ts';
import { sqlChange } from './sql-change.ts';

/** Fields that name the object (AXL Get<Kind>Req choices); everything else in an update is a change. */
const IDENTITY = ['uuid', 'name', 'userid', 'pattern', 'routePartitionName'] as const;

interface AxlProbe { getOp: string; item: string; identity: Record<string, string> }

function splitOp(op: string): { verb: string; kind: string } | undefined {
  const m = /^(add|update|remove)([A-Z][A-Za-z0-9]*)$/.exec(op);
  return m ? { verb: m[1]!, kind: m[2]! } : undefined;
}

function identityOf(o: Record<string, unknown> | undefined): Record<string, string> {
  const id: Record<string, string> = {};
  if (!o) return id;
  if (typeof o.uuid === 'string') return { uuid: o.uuid };
  for (const k of IDENTITY) { const v = plainValue(o[k]); if (typeof v === 'string' && v !== '') id[k] = v; }
  return id;
}

function describeObject(kind: string, id: Record<string, string>): string {
  const parts = Object.entries(id).map(([k, v]) => (k === 'name' || k === 'userid' || k === 'pattern' ? quoteValue(v) : `${k}=${quoteValue(v)}`));
  return `${kind} ${parts.join(' ') || '(unnamed)'}`;
}

function isNotFound(err: unknown): boolean {
  return err instanceof AppError && /not found|axlcode 5007\b/i.test(err.message);
}

export function axlChange(s: CiscoServices, product: 'cucm' | 'imp'): ChangeAdapter {
  const sql = sqlChange(s);

  async function read(p: AxlProbe, request: Record<string, unknown>, ctx: ToolContext): Promise<Image> {
    const node = s.registry.resolve(String(request.node), { products: [product], clusterToPublisher: true });
    const login = await loginFor(s, ctx.principal.clientName, node);
    try {
      const r = await s.axl[product].call({ node, login, operation: p.getOp, args: p.identity, signal: ctx.signal });
      const data = xObj(r.result)?.[p.item];
      return data === undefined ? { exists: false } : { exists: true, data };
    } catch (err) {
      if (isNotFound(err)) return { exists: false };
      throw err;
    }
  }

  const opOf = (args: Record<string, unknown>): string => String(args.operation);
  const bodyOf = (args: Record<string, unknown>): Record<string, unknown> => (args.args ?? {}) as Record<string, unknown>;
  const isSql = (args: Record<string, unknown>): boolean => opOf(args) === 'executeSQLUpdate';

  return {
    async plan(args, ctx): Promise<PlannedChange> {
      if (isSql(args)) return sql.plan(args, ctx);
      const op = opOf(args);
      const body = bodyOf(args);
      const parts = splitOp(op);
      if (!parts) {
        return { object: `(${quoteValue(op)} acts on the node)`, before: undefined, diff: [], reversible: false, irreversibleReason: `AXL ${op} has no before-image and no undo` };
      }
      const item = parts.kind[0]!.toLowerCase() + parts.kind.slice(1);
      const target = parts.verb === 'add' ? (xObj(body[item] as XValue) as Record<string, unknown> | undefined) : body;
      const identity = identityOf(target);
      if (Object.keys(identity).length === 0) {
        throw new AppError('E_INPUT_INVALID', `${op} needs the object's name (or uuid) so its current state can be read before the change`, { hint: parts.verb === 'add' ? `e.g. {"${item}":{"name":"…",…}}` : 'e.g. {"name":"SEP001122334455",…}' });
      }
      const probe: AxlProbe = { getOp: `get${parts.kind}`, item, identity };
      const before = await read(probe, args, ctx);
      const object = describeObject(parts.kind, identity);
      let diff: FieldDiff[];
      if (parts.verb === 'update') {
        if (!before.exists) throw new AppError('E_INPUT_INVALID', `${object} does not exist on the node, so it cannot be updated`, { hint: `check the name with get${parts.kind} or list${parts.kind}` });
        const cur = (before.data ?? {}) as Record<string, unknown>;
        diff = Object.entries(body).filter(([k]) => !(IDENTITY as readonly string[]).includes(k)).map(([k, v]) => {
          const renamed = /^new([A-Z].*)$/.exec(k);
          const field = renamed ? renamed[1]![0]!.toLowerCase() + renamed[1]!.slice(1) : k;
          return { field, before: plainValue(cur[field]), after: plainValue(v) };
        });
      } else if (parts.verb === 'remove') {
        if (!before.exists) throw new AppError('E_INPUT_INVALID', `${object} does not exist on the node, so there is nothing to remove`);
        diff = [{ field: '(object)', before: 'exists', after: 'removed' }];
      } else {
        diff = [{ field: '(object)', before: before.exists ? 'exists already' : 'does not exist', after: 'added' }];
        for (const [k, v] of Object.entries(target ?? {})) diff.push({ field: k, before: undefined, after: plainValue(v) });
      }
      return { object, before, diff, reversible: true, probe };
    },

    async read(c: ChangeFacts, _phase, ctx) {
      if (isSql(c.request)) return sql.read!(c, _phase, ctx);
      const p = c.probe as AxlProbe | undefined;
      return p ? read(p, c.request, ctx) : undefined;
    },

    async verify(c: ChangeFacts, ctx): Promise<Verdict> {
      if (isSql(c.request)) return sql.verify!(c, ctx);
      const p = c.probe as AxlProbe | undefined;
      if (!p) return { ok: true, after: undefined };
      const parts = splitOp(opOf(c.request))!;
      // An update may rename the object: read it back under its new name.
      const body = bodyOf(c.request);
      const renamed: Record<string, string> = { ...p.identity };
      for (const k of IDENTITY) { const n = body[`new${k[0]!.toUpperCase()}${k.slice(1)}`]; if (typeof n === 'string' && k in renamed) renamed[k] = n; }
      const after = await read({ ...p, identity: renamed }, c.request, ctx);
      if (parts.verb === 'remove') return after.exists ? { ok: false, after, reason: 'the object still exists after remove' } : { ok: true, after };
      if (!after.exists) return { ok: false, after, reason: 'the object is not there after the change' };
      if (parts.verb === 'update') {
        const cur = (after.data ?? {}) as Record<string, unknown>;
        const bad = c.diff.filter((d) => !holds(cur[d.field], d.after)).map((d) => d.field);
        if (bad.length) return { ok: false, after, reason: `read-back differs in ${bad.map((f) => quoteValue(f)).join(', ')}` };
      }
      return { ok: true, after };
    },

    revert(c: ChangeFacts): Record<string, unknown> {
      if (isSql(c.request)) return sql.revert!(c);
      const p = c.probe as AxlProbe;
      const parts = splitOp(opOf(c.request));
      if (!parts || !p) throw new AppError('E_INPUT_INVALID', 'this change has no undo');
      const body = bodyOf(c.request);
      const before = plainValue(c.before?.data) as Record<string, unknown> | undefined;
      if (parts.verb === 'update') {
        const id: Record<string, unknown> = { ...p.identity };
        const back: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) {
          if ((IDENTITY as readonly string[]).includes(k)) continue;
          const renamed = /^new([A-Z].*)$/.exec(k);
          if (renamed) {
            const field = renamed[1]![0]!.toLowerCase() + renamed[1]!.slice(1);
            if (field in id) { id[field] = v; back[k] = p.identity[field]; continue; }
          }
          back[k] = before?.[k] ?? '';
        }
        return { ...c.request, operation: `update${parts.kind}`, args: { ...id, ...back } };
      }
      if (parts.verb === 'add') return { ...c.request, operation: `remove${parts.kind}`, args: { ...p.identity } };
      // remove: add it back from the before-image (attributes such as uuid are dropped; the node assigns new ones).
      const { uuid: _u, ...again } = before ?? {};
      return { ...c.request, operation: `add${parts.kind}`, args: { [p.item]: again } };
    },
  };
}
