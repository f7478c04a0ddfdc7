/**
 * bench/backup: `aibridge backup` and `aibridge restore --verify` of an install holding N MiB of
 * client data (BENCH_BACKUP_MIB, default 1024 as the issue asks; half random, half text-like):
 * MiB/s and peak RSS (GNU time), next to `tar -cf - DIR | openssl enc -aes-256-ctr -pbkdf2
 * -pass pass:x > /dev/null` on the same data, in alternating pairs after one warm-up of each
 * (bench/lib/pairs.ts, BENCH_PAIRS, default 5): medians with their spread.
 * Goals (issue 20): both ≥ 0.6× that pipeline's throughput, backup < 150 MB RSS. The baseline is
 * also timed writing into a file with fsync (printed beside it, not used for the ratio), since a
 * backup must write its file durably and the disk's share shows apart. The note also
 * gives the peak RSS of `aibridge --version`, the binary's own share of those figures.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fmt, measurePairs, spread } from './lib/pairs.ts';
import { record } from './lib/table.ts';

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

export async function benchBackup(mib = Number(process.env.BENCH_BACKUP_MIB ?? 1024)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backup-'));
  try {
    copyFileSync(BIN, join(dir, 'aibridge'));
    writeFileSync(join(dir, '.env'), 'AUTH_RSA_KEY_SIZE=2048\nLOGGING_CONSOLE_ENABLED=0\nAUTH_ISSUER=https://localhost:8443\n', { mode: 0o600 });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
    writeFileSync(join(dir, 'secrets', 'rsa_private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    writeFileSync(join(dir, 'secrets', 'rsa_public.pem'), publicKey.export({ type: 'spki', format: 'pem' }) as string);
    writeData(join(dir, 'clients', 'bench', 'reports'), mib);
    let fileMiB = 0;
    // One sample of aibridge: a backup, then restore --verify of it; the backup is removed after.
    const ours = async (): Promise<Record<string, number>> => {
      rmSync(join(dir, 'backups'), { recursive: true, force: true });
      const b = timed(join(dir, 'aibridge'), ['backup', '--dir', dir, '--no-export'], dir);
      const file = readdirSync(join(dir, 'backups')).find((f) => f.endsWith('.enc'));
      if (!file) throw new Error('no backup written');
      fileMiB = statSync(join(dir, 'backups', file)).size / 1048576;
      const r = timed(join(dir, 'aibridge'), ['restore', '--dir', dir, '--file', join(dir, 'backups', file), '--verify'], dir);
      rmSync(join(dir, 'backups'), { recursive: true, force: true });
      return { backup: mib / b.s, backupRss: b.rssMb, restore: mib / r.s, restoreRss: r.rssMb };
    };
    // The baseline writes nothing; `toDisk` (not the ratio, shown beside it) is the same
    // pipeline writing its output into the backups folder and fsyncing it, as a backup must.
    const enc = 'tar -cf - --exclude=./backups . | openssl enc -aes-256-ctr -pbkdf2 -pass pass:x';
    const base = async (): Promise<Record<string, number>> => {
      const rate = mib / timed('sh', ['-c', `${enc} > /dev/null`], dir).s;
      mkdirSync(join(dir, 'backups'), { recursive: true });
      const toDisk = mib / timed('sh', ['-c', `${enc} | dd of=backups/base.out bs=1M conv=fsync status=none`], dir).s;
      rmSync(join(dir, 'backups'), { recursive: true, force: true });
      return { rate, toDisk };
    };
    const p = await measurePairs({ ours, base });
    // The binary's own resident set (start-up, bundle), so that what the backup path adds shows apart.
    const version = spread([1, 2, 3].map(() => timed(join(dir, 'aibridge'), ['--version'], dir).rssMb));
    // Named for what it does: it writes to /dev/null and hashes nothing (a backup writes, fsyncs
    // and SHA-512-hashes its file for the sidecar); the fsynced variant is printed beside it.
    const baseline = `tar | openssl enc -aes-256-ctr > /dev/null ${fmt(p.base.rate, 'MiB/s')} (into a file, fsynced: ${fmt(p.base.toDisk, 'MiB/s')})`;
    const r = (x: number | undefined): string => (x && p.base.rate!.median > 0 ? `${(x / p.base.rate!.median).toFixed(2)}×` : '—');
    record('backup', { ours: `${fmt(p.ours.backup, 'MiB/s')}, peak ${fmt(p.ours.backupRss, 'MB')}`, base: baseline, ratio: r(p.ours.backup?.median), note: `median of ${p.pairs} pairs; ${mib} MiB of data, backup file ${fileMiB.toFixed(0)} MiB; \`aibridge --version\` alone peaks at ${version.median.toFixed(0)} MB, so backup adds ${(p.ours.backupRss!.median - version.median).toFixed(0)} MB and restore --verify ${(p.ours.restoreRss!.median - version.median).toFixed(0)} MB` });
    record('restore', { ours: `${fmt(p.ours.restore, 'MiB/s')}, peak ${fmt(p.ours.restoreRss, 'MB')}`, base: baseline, ratio: r(p.ours.restore?.median), note: `median of ${p.pairs} pairs` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
