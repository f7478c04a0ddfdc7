/**
 * @module GET /metrics: Prometheus text format. Reads in-process counters and gauges only; it
 * never contacts a Cisco node. Rule (issue #12 item 10, T-RB-05, T-SC-05): the series name every
 * client and its usage, so a scrape is answered only
 *   1. from a loopback peer (127.0.0.0/8, ::1: the host's own Prometheus or node agent), or from
 *      an address in METRICS_SCRAPE_ALLOWLIST (IPs or CIDRs), always the TCP peer, never a header;
 *   2. otherwise with `Authorization: Bearer <METRICS_TOKEN_FILE's content>`, or the bearer token
 *      of a client named in METRICS_CLIENTS (verified like any API call).
 * Everything else gets 401 (no or bad credentials) or 403 (a valid client not allowed to read).
 * Loopback stays open so a local scraper needs no secret; a remote one needs a token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Hono, MiddlewareHandler, Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { CONTENT_TYPE, renderPrometheus } from '../metrics/prometheus-text.ts';
import { embeddedIpv4, ipv6Bytes } from '../lib/ip-policy.ts';

export interface MetricsAccess {
  /** Bearer authentication of API clients (sets `principal` or answers 401). */
  auth?: MiddlewareHandler<AppEnv>;
  /** Client names allowed to read metrics with their own token. */
  clients?: readonly string[];
  /** Content of METRICS_TOKEN_FILE, when configured. */
  token?: string;
  /** METRICS_SCRAPE_ALLOWLIST entries (IP or CIDR). */
  scrapeAllowlist?: readonly string[];
}

/** Loopback, or IPv4-mapped loopback. */
export function isLoopback(ip: string): boolean {
  const fam = isIP(ip);
  if (fam === 4) return ip.startsWith('127.');
  if (fam !== 6) return false;
  const bytes = ipv6Bytes(ip);
  const v4 = embeddedIpv4(bytes);
  if (v4 !== undefined) return bytes[10] === 0xff && v4.startsWith('127.');
  return bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] === 1;
}

function allowlist(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/') as [string, string | undefined];
    const fam = isIP(addr);
    if (fam === 0) continue;
    const type = fam === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(addr, type); else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function mountMetricsRoute(app: Hono<AppEnv>, metrics: Metrics, access: MetricsAccess = {}): void {
  const scrape = allowlist(access.scrapeAllowlist ?? []);
  const clients = new Set(access.clients ?? []);
  const body = (c: Context<AppEnv>): Response => {
    c.header('Content-Type', CONTENT_TYPE);
    c.header('Cache-Control', 'no-store');
    return c.body(renderPrometheus(metrics.families()));
  };
  const peerAllowed = (ip: string): boolean => {
    if (isLoopback(ip)) return true;
    const fam = isIP(ip);
    return fam !== 0 && scrape.check(ip, fam === 4 ? 'ipv4' : 'ipv6');
  };
  app.get('/metrics', async (c) => {
    if (peerAllowed(c.get('clientIp'))) return body(c);
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer ([\x21-\x7e]{1,8192})$/.exec(header);
    if (m && access.token && sameSecret(m[1] as string, access.token)) return body(c);
    if (!access.auth || clients.size === 0 || !m) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json({ error: 'unauthorized', message: '/metrics needs the metrics token (METRICS_TOKEN_FILE) or the token of a client in METRICS_CLIENTS, or a scrape from loopback / METRICS_SCRAPE_ALLOWLIST' }, 401);
    }
    let answer: Response | undefined;
    const r = await access.auth(c, async () => {
      const p = c.get('principal');
      answer = p && clients.has(p.clientName) ? body(c) : c.json({ error: 'forbidden', message: `client "${p?.clientName ?? ''}" may not read /metrics (add it to METRICS_CLIENTS)` }, 403);
    });
    return answer ?? (r instanceof Response ? r : c.json({ error: 'unauthorized' }, 401));
  });
}
