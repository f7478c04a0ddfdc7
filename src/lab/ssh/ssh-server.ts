/**
 * @module The admin SSH endpoint of one node (ssh2 Server): password and keyboard-interactive
 * login, an interactive shell on a pty (banner, prompt, pager) and exec channels that run one
 * command. Works with OpenSSH `ssh -tt` and the ssh2 client.
 */
import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import type { CliContext, CliResult } from './cli-platform.ts';
import { CliShell } from './cli-shell.ts';
import { runCliCommand } from './cli-commands.ts';
import { safeEqual } from '../http-util.ts';
import type { FaultDice } from '../faults.ts';

const { Server } = ssh2;

/**
 * Output leaves in packets of varying small sizes, as a loaded node's does, so a multi-byte
 * character is regularly split across two SSH packets (clients must decode per stream).
 */
const PACKET_SIZES = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181];

function packetWriter(stream: ServerChannel): (text: string) => void {
  let k = 0;
  return (text) => {
    const b = Buffer.from(text, 'utf8');
    for (let at = 0; at < b.length && stream.writable;) {
      const n = PACKET_SIZES[k++ % PACKET_SIZES.length]!;
      stream.write(b.subarray(at, at + n));
      at += n;
    }
  };
}

/** An exec channel has no terminal: streamed output plays, prompts end it, views print a page. */
async function execResult(stream: ServerChannel, write: (t: string) => void, r: CliResult): Promise<boolean> {
  write(r.lines.map((l) => `${l}\n`).join(''));
  const then = r.then;
  if (!then) return r.ok;
  if (then.kind === 'stream') {
    for (const step of then.steps) { await new Promise((res) => setTimeout(res, step.delayMs)); if (!stream.writable) return false; write(step.lines.map((l) => `${l}\n`).join('')); }
    write((then.after ?? []).map((l) => `${l}\n`).join(''));
    return true;
  }
  if (then.kind === 'prompt') { write(`${then.text}\n`); return false; }
  const from = then.kind === 'tail' ? Math.max(1, then.log.lines - then.lines + 1) : 1;
  const to = then.kind === 'tail' ? then.log.lines : Math.min(then.log.lines, 1000);
  let t = '';
  for (let n = from; n <= to; n++) t += `${then.log.line(n)}\n`;
  write(t);
  return true;
}

export interface SshEndpoint {
  port: number;
  close(): Promise<void>;
}

export function startSshServer(opts: { ctx: CliContext; hostKey: string; faults: FaultDice }): Promise<SshEndpoint> {
  const { ctx, faults } = opts;
  const clients = new Set<Connection>();
  const creds = ctx.data.credentials;
  const okPassword = (user: string, pw: string): boolean => !faults.plan.credentialsExpired && safeEqual(user, creds.username) && safeEqual(pw, creds.password);
  const server = new Server({ hostKeys: [opts.hostKey], ident: 'OpenSSH_7.4' }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => { /* client went away */ });
    client.on('authentication', (auth) => {
      if (auth.method === 'password') {
        if (okPassword(auth.username, auth.password)) auth.accept(); else auth.reject(['password', 'keyboard-interactive']);
      } else if (auth.method === 'keyboard-interactive') {
        auth.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          if (okPassword(auth.username, answers[0] ?? '')) auth.accept(); else auth.reject(['password', 'keyboard-interactive']);
        });
      } else auth.reject(['password', 'keyboard-interactive']);
    });
    client.on('ready', () => {
      if (faults.roll(faults.plan.sshDropRate)) { client.end(); return; }
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let rows = 24;
        let shell: CliShell | undefined;
        session.on('pty', (accept, _reject, info) => { rows = info.rows || 24; accept?.(); });
        session.on('window-change', (accept, _reject, info) => { shell?.setRows(info.rows); accept?.(); });
        session.on('env', (accept) => accept?.());
        session.on('shell', (accept) => {
          const stream: ServerChannel = accept();
          const write = packetWriter(stream);
          shell = new CliShell(ctx, {
            write,
            close: () => { stream.exit(0); stream.end(); },
            delay: () => faults.delay(),
          }, rows);
          stream.on('data', (d: Buffer) => shell?.input(d.toString('utf8')));
          stream.on('error', () => { /* closed */ });
          shell.start();
        });
        session.on('exec', (accept, _reject, info) => {
          const stream: ServerChannel = accept();
          stream.on('error', () => { /* closed */ });
          const write = packetWriter(stream);
          void faults.delay().then(async () => {
            const okExit = await execResult(stream, write, runCliCommand(ctx, info.command, { pagination: false }));
            if (!stream.writable) return;
            stream.exit(okExit ? 0 : 1);
            stream.end();
          });
        });
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, ctx.node.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        port,
        close: () => new Promise<void>((done) => {
          for (const c of clients) c.end();
          server.close(() => done());
          setTimeout(() => { for (const c of clients) (c as unknown as { destroy?: () => void }).destroy?.(); done(); }, 2000).unref();
        }),
      });
    });
  });
}
