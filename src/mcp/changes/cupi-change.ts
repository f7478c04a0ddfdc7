/**
 * @module Change control for CUPI writes (cuc_cupi_request). Before-image: a GET of the same path
 * (PUT, DELETE); POST creates, so there is nothing to read yet. Verify reads the path back. Undo:
 * PUT back the fields the change set; DELETE and POST have no undo (a re-created object would get a
 * new ObjectId, so it would not be the same object).
 */
import { AppError } from '../../lib/errors.ts';
import type { FieldDiff, Image } from '../../changes/change-record.ts';
import { quoteValue } from '../../changes/change-text.ts';
import { normaliseCupiPath } from '../../cisco/cupi/cupi-path.ts';
import type { ToolContext } from '../tool-definition.ts';
import type { CiscoServices } from '../tools/cisco-services.ts';
import { loginFor } from '../tools/tool-result.ts';
import type { ChangeAdapter, ChangeFacts, PlannedChange, Verdict } from './change-adapter.ts';
import { holds } from './change-adapter.ts';

export function cupiChange(s: CiscoServices): ChangeAdapter {
  async function get(request: Record<string, unknown>, ctx: ToolContext): Promise<Image> {
    const node = s.registry.resolve(String(request.node), { products: ['cuc'], clusterToPublisher: true });
    const login = await loginFor(s, ctx.principal.clientName, node);
    try {
      const r = await s.cupi.request({ node, login, method: 'GET', path: normaliseCupiPath(String(request.path)), signal: ctx.signal });
      return { exists: true, data: r.body };
    } catch (err) {
      if (err instanceof AppError && /HTTP 404/.test(err.message)) return { exists: false };
      throw err;
    }
  }
  const method = (r: Record<string, unknown>): string => String(r.method ?? 'GET');
  const body = (r: Record<string, unknown>): Record<string, unknown> => (r.body ?? {}) as Record<string, unknown>;

  return {
    async plan(args, ctx): Promise<PlannedChange> {
      const m = method(args);
      const path = normaliseCupiPath(String(args.path));
      const object = `${quoteValue(path)}`;
      if (m === 'POST') {
        return { object, before: { exists: false }, diff: Object.entries(body(args)).map(([k, v]) => ({ field: k, before: undefined, after: v })), reversible: false, irreversibleReason: 'a created Unity Connection object is not deleted automatically; delete it with a CUPI DELETE to undo' };
      }
      const before = await get(args, ctx);
      if (!before.exists) throw new AppError('E_INPUT_INVALID', `Nothing exists at ${object} on the node, so there is nothing to ${m === 'PUT' ? 'update' : 'delete'}`, { hint: 'GET the collection to find the ObjectId' });
      const cur = (before.data && typeof before.data === 'object' ? before.data : {}) as Record<string, unknown>;
      if (m === 'DELETE') return { object, before, diff: [{ field: '(object)', before: 'exists', after: 'deleted' }], reversible: false, irreversibleReason: 'a deleted Unity Connection object cannot be re-created with the same ObjectId' };
      const diff: FieldDiff[] = Object.entries(body(args)).map(([k, v]) => ({ field: k, before: cur[k], after: v }));
      return { object, before, diff, reversible: true };
    },

    read: (c: ChangeFacts, _phase, ctx) => (method(c.request) === 'POST' ? Promise.resolve(undefined) : get(c.request, ctx)),

    async verify(c: ChangeFacts, ctx): Promise<Verdict> {
      const m = method(c.request);
      if (m === 'POST') return { ok: true, after: undefined };
      const after = await get(c.request, ctx);
      if (m === 'DELETE') return after.exists ? { ok: false, after, reason: 'the object still exists after DELETE' } : { ok: true, after };
      const cur = (after.data ?? {}) as Record<string, unknown>;
      const bad = c.diff.filter((d) => !holds(cur[d.field], d.after)).map((d) => d.field);
      return bad.length ? { ok: false, after, reason: `read-back differs in ${bad.map((f) => quoteValue(f)).join(', ')}` } : { ok: true, after };
    },

    revert(c: ChangeFacts): Record<string, unknown> {
      const cur = (c.before?.data ?? {}) as Record<string, unknown>;
      const back = Object.fromEntries(Object.keys(body(c.request)).map((k) => [k, cur[k] ?? '']));
      return { ...c.request, method: 'PUT', body: back };
    },
  };
}
