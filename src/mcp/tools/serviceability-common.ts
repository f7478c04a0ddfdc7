/**
 * @module What the serviceability tools share: node or cluster resolution with fan-out and
 * per-node partial failure, the time window (from/to or last_minutes), results with
 * structuredContent, and the memory of which log files selectLogFiles reported (cucm_log_get
 * downloads nothing else).
 */
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AppError } from '../../lib/errors.ts';
import { describeToolError } from '../pipeline/tool-error.ts';
import type { ToolErrorBody } from '../pipeline/tool-error.ts';
import type { CiscoNode } from '../../cisco/cisco-node.ts';
import type { LogFile } from '../../cisco/serviceability/log-collection.ts';
import type { CiscoServices } from './cisco-services.ts';
import { UNTRUSTED_NOTICE } from './tool-result.ts';

/** outputSchema pieces: objects admit extra fields, so a newer answer never fails a client's validation. */
export const loose = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);
/** The outputSchema of a serviceability tool: its fields plus the untrusted-data notice. */
export function svcOutput(fields: z.ZodRawShape): z.ZodRawShape {
  return { ...fields, notice: z.string() };
}
export const LOG_FILE_OUT = loose({ node: z.string(), name: z.string(), path: z.string(), size: z.number(), modified: z.string(), service: z.string() });

/** A result whose structured form is the answer; the text is the same JSON for clients without structured support. */
export function svcResult(structured: Record<string, unknown>): CallToolResult {
  const s = { ...structured, notice: UNTRUSTED_NOTICE };
  return { content: [{ type: 'text', text: JSON.stringify(s) }], structuredContent: s };
}

/** CUCM nodes a name addresses: the node itself, or every CUCM node of a cluster. */
export function cucmNodesOf(s: CiscoServices, name: string): CiscoNode[] {
  if (s.registry.isCluster(name) && !s.registry.get(name)) {
    const nodes = s.registry.nodes.filter((n) => n.cluster === name && n.product === 'cucm');
    if (nodes.length > 0) return nodes;
  }
  return [s.registry.resolve(name, { products: ['cucm'] })];
}

/** A node's failure in a fan-out: the same fields as a failed call's structuredContent.error. */
export type NodeFailure = ToolErrorBody;

export type PerNode<T> = { node: string; ok: true; value: T } | { node: string; ok: false; error: NodeFailure };

/** outputSchema of a per-node failure (the fields of ToolErrorBody a node failure carries). */
export const NODE_FAILURE_OUT = loose({
  code: z.string(), message: z.string(), hint: z.string().optional(), retryable: z.boolean(),
  reason: z.string().optional(), node: z.string().optional(), http_status: z.number().optional(), cisco_code: z.string().optional(),
}).describe('why this node did not answer: code (E_...), message, hint (what to do), retryable, and for a failure at the node its reason class and HTTP status');

/**
 * Run `fn` on each node concurrently; a node that fails is reported by name with a typed error
 * (code, redacted message, hint, retryable, reason), the others still answer. A single node's
 * failure is the call's own error; so is anything that is not an AppError (a bug: it must reach
 * the pipeline's log, not hide in a partial result) and a cancellation.
 */
export async function fanOut<T>(nodes: readonly CiscoNode[], fn: (n: CiscoNode) => Promise<T>): Promise<PerNode<T>[]> {
  const settled = await Promise.allSettled(nodes.map((n) => fn(n)));
  return settled.map((r, i): PerNode<T> => {
    const node = nodes[i]!.name;
    if (r.status === 'fulfilled') return { node, ok: true, value: r.value };
    const err: unknown = r.reason;
    if (nodes.length === 1 || !(err instanceof AppError) || err.code === 'E_CANCELLED') throw err;
    const { body } = describeToolError(err, 'fan-out');
    return { node, ok: false, error: { ...body, node: body.node ?? node } };
  });
}

/** from/to (ISO 8601) or last_minutes → a window, checked: to after from, at most `maxMs` long, not in the future beyond a minute. */
export function timeWindow(a: { from?: string | undefined; to?: string | undefined; last_minutes?: number | undefined }, defaultMinutes: number, maxMs: number, now = Date.now()): { from: Date; to: Date } {
  if ((a.from !== undefined || a.to !== undefined) && a.last_minutes !== undefined) throw new AppError('E_INPUT_INVALID', 'Give either from/to or last_minutes, not both', { hint: 'e.g. {"last_minutes":30} or {"from":"2026-12-01T10:00:00Z","to":"2026-12-01T11:00:00Z"}' });
  const parse = (v: string, what: string): Date => {
    const d = new Date(v);
    // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(d.getTime())) throw new AppError('E_INPUT_INVALID', `${what} must be an ISO 8601 time with a zone: got "${v.slice(0, 40)}"`, { hint: 'e.g. 2026-12-01T10:00:00Z' });
    return d;
  };
  const to = a.to !== undefined ? parse(a.to, 'to') : new Date(now);
  const from = a.from !== undefined ? parse(a.from, 'from') : new Date(to.getTime() - (a.last_minutes ?? defaultMinutes) * 60_000);
  if (to.getTime() <= from.getTime()) throw new AppError('E_INPUT_INVALID', '"to" must be after "from"', { hint: 'swap them, or use last_minutes' });
  if (to.getTime() - from.getTime() > maxMs) throw new AppError('E_INPUT_INVALID', `The time window is longer than ${Math.round(maxMs / 60_000)} minutes`, { hint: 'narrow from/to or last_minutes' });
  return { from, to };
}

/**
 * Log files selectLogFiles reported, per client and node, for two hours: cucm_log_get only
 * downloads a file found here, so an agent cannot name any other path on the node.
 */
export class ReportedLogFiles {
  static readonly TTL_MS = 2 * 3600_000;
  static readonly MAX_PER_NODE = 5000;
  readonly #byKey = new Map<string, Map<string, { file: LogFile; at: number }>>();

  /** Remember what a node reported; files failing isSafeReportedFile are never remembered. */
  remember(client: string, node: string, files: readonly LogFile[], now = Date.now()): void {
    const key = `${client}\u0000${node}`;
    const m = this.#byKey.get(key) ?? new Map<string, { file: LogFile; at: number }>();
    for (const f of files) { if (!isSafeReportedFile(f)) continue; m.delete(f.path); m.set(f.path, { file: f, at: now }); }
    while (m.size > ReportedLogFiles.MAX_PER_NODE) m.delete(m.keys().next().value as string);
    this.#byKey.set(key, m);
  }

  /** The reported file with this absolute path or (unique) name, if reported recently. */
  find(client: string, node: string, file: string, now = Date.now()): LogFile | undefined {
    const m = this.#byKey.get(`${client}\u0000${node}`);
    if (!m) return undefined;
    const fresh = [...m.values()].filter((e) => now - e.at < ReportedLogFiles.TTL_MS).map((e) => e.file);
    if (file.startsWith('/')) return fresh.find((f) => f.path === file);
    const named = fresh.filter((f) => f.name === file);
    return named.length === 1 ? named[0] : undefined;
  }
}

/** Log folders of a VOS node: everything DIME serves lives under these. */
const LOG_ROOTS = ['/var/log/active/', '/var/log/inactive/'];

/**
 * The rule for a file an agent names (checked before anything is contacted, refusals audited as
 * denied): a bare file name of safe characters, or an absolute path under a log folder with no
 * empty, "." or ".." segment, no backslash, no control character (NUL included), no "~", and at
 * most 512 characters. Symlinks cannot be judged from here; that is why the file must also be
 * one selectLogFiles reported (ReportedLogFiles).
 */
export function checkLogFileName(file: string): void {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
  const refuse = (why: string): AppError => new AppError('E_FORBIDDEN', `Refused: file "${file.slice(0, 120).replace(/[\u0000-\u001f\u007f]/g, '?')}" ${why}`, { hint: 'use a name or absolutepath exactly as cucm_log_find reported it' });
  if (file.length === 0 || file.length > 512) throw refuse('must be 1-512 characters');
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here: they are refused or stripped
  if (/[\u0000-\u001f\u007f\\~]/.test(file)) throw refuse('contains a control character, backslash or "~"');
  if (!file.startsWith('/')) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(file)) throw refuse('is not a plain file name');
    return;
  }
  if (!LOG_ROOTS.some((r) => file.startsWith(r))) throw refuse(`is outside the node's log folders (${LOG_ROOTS.join(', ')})`);
  const segs = file.split('/').slice(1);
  if (segs.some((x) => x === '' || x === '.' || x === '..')) throw refuse('has an empty, "." or ".." path segment');
  if (segs.some((x) => !/^[A-Za-z0-9._@+-]{1,255}$/.test(x))) throw refuse('has a path segment with characters log files do not use');
}

/**
 * The rule for a file a node reports (selectLogFiles): its absolute path obeys the rule an agent's
 * path does (checkLogFileName) and its name is that path's last segment. cucm_log_get joins the
 * name of a remembered file into the client's downloads folder and sends its path back to the
 * node, so a node answering "..", "/etc/passwd" or a name that differs from its path (a damaged
 * or hostile node) can neither leave that folder nor be asked for a file outside the log folders.
 */
export function isSafeReportedFile(f: Pick<LogFile, 'name' | 'path'>): boolean {
  if (!f.path.startsWith('/')) return false;
  try { checkLogFileName(f.path); } catch { return false; }
  return f.path.slice(f.path.lastIndexOf('/') + 1) === f.name;
}
