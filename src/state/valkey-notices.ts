/**
 * @module The notice bus on Valkey: PUBLISH on one channel under the key prefix
 * (`<prefix>notify`), and one subscriber connection per process (a connection in subscribe mode
 * can run no other command). Pub/sub is at most once: an instance that is disconnected when a
 * notice is published misses it; the event store (valkey-event-store.ts) keeps what was delivered
 * to a session for `Last-Event-ID`. Local subscribers get a notice at once, before and whatever
 * the store does; a notice this process published is not delivered a second time when it comes
 * back on the channel.
 */
import type { Valkey } from 'iovalkey';
import type { ValkeyConnection } from './valkey-connection.ts';
import type { NoticeBus } from './shared-state.ts';
import { stateKey } from './state-keys.ts';
import { LocalNotices, parseNotice } from './notice-bus.ts';

export interface ValkeyNoticeBus extends NoticeBus { close(): Promise<void> }

export function createValkeyNoticeBus(conn: ValkeyConnection): ValkeyNoticeBus {
  const channel = stateKey(conn.prefix, 'notify');
  const local = new LocalNotices();
  let sub: Valkey | undefined;
  let subscribing: Promise<void> | undefined;

  const listen = async (): Promise<void> => {
    const s = conn.client.duplicate();
    sub = s;
    // Outages are logged by the main connection; this one reconnects and re-subscribes by itself.
    s.on('error', () => undefined);
    s.on('connect', () => { (s as unknown as { stream?: { unref?: () => void } }).stream?.unref?.(); });
    s.on('message', (ch: string, raw: string) => {
      if (ch !== channel) return;
      const n = parseNotice(raw);
      if (n && n.origin !== local.origin) local.deliver(n);
    });
    await conn.run(async () => { await s.connect(); await s.subscribe(channel); });
  };

  return {
    async publish(n) {
      const stamped = local.stamp(n);
      local.deliver(stamped);
      await conn.run((c) => c.publish(channel, JSON.stringify(stamped)));
    },
    async subscribe(fn) {
      const off = local.add(fn);
      subscribing ??= listen().catch((err: unknown) => { subscribing = undefined; sub?.disconnect(); sub = undefined; throw err; });
      await subscribing;
      return off;
    },
    async close() {
      const s = sub;
      sub = undefined;
      if (s) { try { await s.quit(); } catch { s.disconnect(); } }
    },
  };
}
