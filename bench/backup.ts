/**
 * bench/backup: `aibridge backup` and `aibridge restore` of an install holding N MiB of client data
 * (BENCH_BACKUP_MIB, default 1024 as the issue asks): MiB/s and peak RSS (GNU time), next to
 * `tar -cf - DIR | openssl enc -aes-256-ctr -pbkdf2 -pass pass:x > /dev/null` on the same data.
 * Target (issue 8): ≥ 60 % of that pipeline's throughput, < 150 MB RSS.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(process.env.AIBRIDGE_BIN ?? 'dist/aibridge');

/** Run a command under GNU time; seconds and peak RSS (MB). */
function timed(cmd: string, args: string[], cwd: string): { s: number; rssMb: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-300)}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { s, rssMb: kb / 1024 };
}

function writeData(dir: string, mib: number): void {
  mkdirSync(dir, { recursive: true });
  // Half random (incompressible), half text-like (compressible), as reports and logs mix both.
  for (let i = 0; i < mib; i++) {
    const fd = openSync(join(dir, `f${i % 64}.bin`), 'a');
    writeSync(fd, i % 2 ? randomBytes(1 << 20) : Buffer.alloc(1 << 20, `line ${i} of a markdown report\n`));
    closeSync(fd);
  }
}

export function benchBackup(mib = Number(process.env.BENCH_BACKUP_MIB ?? 1024)): void {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  try {
    copyFileSync(BIN, join(dir, 'aibridge'));
    writeFileSync(join(dir, '.env'), 'AUTH_RSA_KEY_SIZE=2048\nLOGGING_CONSOLE_ENABLED=0\nAUTH_ISSUER=https://localhost:8443\n', { mode: 0o600 });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(join(dir, 'secrets', 'rsa_private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    writeFileSync(join(dir, 'secrets', 'rsa_public.pem'), publicKey.export({ type: 'spki', format: 'pem' }) as string);
    writeData(join(dir, 'clients', 'bench', 'reports'), mib);
    const base = timed('sh', ['-c', `tar -cf - --exclude=./backups . | openssl enc -aes-256-ctr -pbkdf2 -pass pass:x > /dev/null`], dir);
    rmSync(join(dir, 'backups'), { recursive: true, force: true });
    const b = timed(join(dir, 'aibridge'), ['backup', '--dir', dir, '--no-export'], dir);
    const file = readdirSync(join(dir, 'backups')).find((f) => f.endsWith('.enc'));
    if (!file) throw new Error('no backup written');
    const r = timed(join(dir, 'aibridge'), ['restore', '--dir', dir, '--file', join(dir, 'backups', file), '--verify'], dir);
    const rate = (s: number): string => `${(mib / s).toFixed(0)} MiB/s`;
    console.log(`backup (${mib} MiB): aibridge backup ${rate(b.s)}, peak ${b.rssMb.toFixed(0)} MB | restore --verify ${rate(r.s)}, peak ${r.rssMb.toFixed(0)} MB | tar|openssl ${rate(base.s)} | backup ratio ${(base.s / b.s).toFixed(2)}x, restore ratio ${(base.s / r.s).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
