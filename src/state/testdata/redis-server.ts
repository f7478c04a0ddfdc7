/**
 * @module A real redis-server (Debian's package; Valkey speaks the same protocol) on a free
 * loopback port with a password, for the state tests. Nothing is persisted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RedisHandle { port: number; password: string; url: string; proc: ChildProcess; stop(): Promise<void>; restart(): Promise<void> }

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => { const c = connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.once('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

export async function startRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const password = `t-${randomBytes(12).toString('hex')}`;
  const launch = (): ChildProcess => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const h: RedisHandle = {
    port, password, url: `redis://:${password}@127.0.0.1:${port}/0`, proc: launch(),
    async stop() {
      if (h.proc.exitCode !== null || h.proc.signalCode !== null) return;
      const done = new Promise((r) => h.proc.once('exit', r));
      h.proc.kill('SIGKILL');
      await done;
    },
    async restart() { await h.stop(); h.proc = launch(); await waitPort(port); },
  };
  await waitPort(port);
  return h;
}
