/**
 * @module Test helper: a loopback TCP port that was free a moment ago (bound to port 0, then
 * closed). Nothing listens there until someone binds it: a server about to start takes it, and a
 * client connecting to it is refused.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}
