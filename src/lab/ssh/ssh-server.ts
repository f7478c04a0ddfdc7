/**
 * @module The admin SSH endpoint of one node (ssh2 Server): password and keyboard-interactive
 * login, an interactive shell on a pty (banner, prompt, pager) and exec channels that run one
 * command. Works with OpenSSH `ssh -tt` and the ssh2 client.
 */
import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import type { CliContext } from './cli-platform.ts';
import { CliShell } from './cli-shell.ts';
import { runCliCommand } from './cli-commands.ts';
import { safeEqual } from '../http-util.ts';
import type { FaultDice } from '../faults.ts';

const { Server } = ssh2;

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
          shell = new CliShell(ctx, {
            write: (t) => { if (stream.writable) stream.write(t); },
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
          void faults.delay().then(() => {
            const result = runCliCommand(ctx, info.command, { pagination: false });
            stream.write(result.lines.map((l) => `${l}\n`).join(''));
            stream.exit(result.ok ? 0 : 1);
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
