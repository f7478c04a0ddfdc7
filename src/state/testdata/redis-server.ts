/**
 * @module A real redis-server (Debian's package; Valkey speaks the same protocol) on a free
 * loopback port with a password, for the state tests (optionally TLS only: Debian's build has it).
 * Nothing is persisted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../lib/testdata/free-port.ts';

export interface RedisHandle { port: number; password: string; url: string; proc: ChildProcess; stop(): Promise<void>; restart(): Promise<void> }


async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => { const c = connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.once('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

/** Serve TLS only (`--tls-port`, plain port off) with this certificate; clients are not asked for one. */
export interface RedisTls { certFile: string; keyFile: string; caFile: string }

export async function startRedis(o: { tls?: RedisTls } = {}): Promise<RedisHandle> {
  const port = await freePort();
  const password = `t-${randomBytes(12).toString('hex')}`;
  const listen = o.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', o.tls.certFile, '--tls-key-file', o.tls.keyFile, '--tls-ca-cert-file', o.tls.caFile, '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const launch = (): ChildProcess => spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const h: RedisHandle = {
    port, password, url: `${o.tls ? 'rediss' : 'redis'}://:${password}@127.0.0.1:${port}/0`, proc: launch(),
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
