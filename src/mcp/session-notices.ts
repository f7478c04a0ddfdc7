/**
 * @module Server-to-client notifications for every open session, on every instance. An event here
 * (a profile file changed, the tool set changed: licence replaced or expired) is published on the
 * shared state's notice bus; every instance — this one included — delivers what the bus brings to
 * its own sessions (all, or one client's). With STATE_BACKEND=valkey a session may live on several
 * instances at once (opened on A, rebuilt on B); each copy sends the notice, the shared event store
 * keeps it once (by the id in `_meta`), and only the copy holding the client's SSE stream writes it.
 */
import type { Logger } from '../log/logger.ts';
import type { DeliveredNotice, NoticeBus, NoticeMethod } from '../state/shared-state.ts';
import { NOTICE_META } from '../state/shared-state.ts';
import type { SessionStore } from './session-store.ts';
import type { McpSession } from './mcp-session.ts';
import { errorMessage } from '../lib/errors.ts';

/** Send `n` to this instance's sessions it addresses; resolves when each was handed to its transport. */
export async function deliverNotice(sessions: SessionStore, n: DeliveredNotice): Promise<number> {
  const targets = (sessions.all() as McpSession[]).filter((s) => n.client === undefined || s.clientName === n.client);
  const sent = await Promise.all(targets.map(async (s) => {
    try {
      await s.server.notification({ method: n.method, params: { _meta: { [NOTICE_META]: n.id } } });
      return true;
    } catch {
      return false; // a session closing meanwhile, or one whose server lacks the capability
    }
  }));
  return sent.filter(Boolean).length;
}

export interface SessionNotices {
  /** Publish a notice for every instance's sessions (never throws; a store outage is logged). */
  publish(method: NoticeMethod, client?: string): void;
  stop(): void;
}

export interface SessionNoticeOptions {
  sessions: SessionStore;
  bus: NoticeBus;
  logger: Logger;
  /** Called after a notice was handed to this instance's sessions (tests, metrics). */
  onDelivered?(n: DeliveredNotice, sessions: number): void;
}

export async function startSessionNotices(o: SessionNoticeOptions): Promise<SessionNotices> {
  const off = await o.bus.subscribe((n) => {
    void deliverNotice(o.sessions, n).then((count) => o.onDelivered?.(n, count));
  });
  return {
    publish(method, client) {
      o.bus.publish({ method, ...(client !== undefined ? { client } : {}) }).catch((err: unknown) => {
        o.logger.warning('notice_not_shared', { method, message: errorMessage(err), effect: 'sessions on other instances miss this notification' });
      });
    },
    stop: off,
  };
}
