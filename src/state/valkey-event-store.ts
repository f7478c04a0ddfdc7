/**
 * @module The MCP SDK's EventStore on Valkey (resumability across instances, MCP Streamable HTTP
 * "Resumability and Redelivery"): every SSE event is appended to a capped Valkey stream per SSE
 * stream, so a client that reconnects with `Last-Event-ID` — to any instance — gets what it
 * missed. Event ids are `<streamId>~<stream entry id>`; a malformed or foreign id replays nothing.
 */
import type { EventStore } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ValkeyConnection } from './valkey-connection.ts';
import { stateKey } from './state-keys.ts';

const MAX_EVENTS_PER_STREAM = 1000;
const EVENT_TTL_SECONDS = 30 * 60;
const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;

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
