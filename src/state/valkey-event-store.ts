/**
 * @module The MCP SDK's EventStore on Valkey (resumability across instances, MCP Streamable HTTP
 * "Resumability and Redelivery"): every SSE event is appended to a capped Valkey stream per SSE
 * stream, so a client that reconnects with `Last-Event-ID` — to any instance — gets what it
 * missed. Event ids are `<streamId>~<stream entry id>`; a malformed or foreign id replays nothing.
 *
 * A notice (shared-state.ts NOTICE_META in `params._meta`) reaches one session on every instance
 * that holds a copy of it (the one that opened it and any that rebuilt it), so each copy stores the
 * same message: it is appended once per session and stream, and every copy gets the same event id
 * (one Lua script: look up the notice's id, else append and remember it).
 */
import type { EventStore } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ValkeyConnection } from './valkey-connection.ts';
import { stateKey } from './state-keys.ts';
import { NOTICE_META } from './shared-state.ts';
import { EVENT_APPEND_ONCE } from './valkey-scripts.ts';

const MAX_EVENTS_PER_STREAM = 1000;
const EVENT_TTL_SECONDS = 30 * 60;
const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;

function noticeIdOf(message: JSONRPCMessage): string | undefined {
  const meta = (message as { params?: { _meta?: Record<string, unknown> } }).params?._meta;
  const id = meta?.[NOTICE_META];
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}

export function createValkeyEventStore(conn: ValkeyConnection, sessionId: string): EventStore {
  const key = (streamId: string): string => stateKey(conn.prefix, 'ev', sessionId, streamId);
  const split = (eventId: string): { streamId: string; entry: string } | undefined => {
    const i = eventId.lastIndexOf('~');
    if (i <= 0) return undefined;
    const streamId = eventId.slice(0, i);
    const entry = eventId.slice(i + 1);
    return ENTRY_ID.test(entry) && streamId.length <= 256 ? { streamId, entry } : undefined;
  };
  return {
    async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
      const k = key(streamId);
      const notice = noticeIdOf(message);
      if (notice !== undefined) {
        const once = stateKey(conn.prefix, 'evn', sessionId, streamId, notice);
        return `${streamId}~${String(await conn.script(EVENT_APPEND_ONCE, [k, once], [MAX_EVENTS_PER_STREAM, JSON.stringify(message), EVENT_TTL_SECONDS]))}`;
      }
      const id = await conn.run(async (c) => {
        const r = await c.multi().xadd(k, 'MAXLEN', '~', String(MAX_EVENTS_PER_STREAM), '*', 'm', JSON.stringify(message)).expire(k, EVENT_TTL_SECONDS).exec();
        return String(r?.[0]?.[1] ?? '');
      });
      return `${streamId}~${id}`;
    },
    async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
      return split(eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }): Promise<string> {
      const p = split(lastEventId);
      if (!p) return '';
      const entries = await conn.run((c) => c.xrange(key(p.streamId), `(${p.entry}`, '+', 'COUNT', MAX_EVENTS_PER_STREAM));
      for (const [id, fields] of entries) {
        const i = fields.indexOf('m');
        const raw = i >= 0 ? fields[i + 1] : undefined;
        if (raw !== undefined) await send(`${p.streamId}~${id}`, JSON.parse(raw) as JSONRPCMessage);
      }
      return p.streamId;
    },
  };
}
