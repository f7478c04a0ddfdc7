/**
 * @module Stream a backup plan as a tar (tar-stream), one file at a time with back-pressure, so
 * memory stays flat whatever the install size. A file that grows while it is read (a live log) is
 * cut at the size it had when opened; one that shrinks is padded with zeros; one that vanished is
 * left out.
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import type { Header, Pack } from 'tar-stream';
import type { Writable } from 'node:stream';
import type { BackupPlan, PlanEntry } from './backup-plan.ts';

const CHUNK = 1 << 20;

async function* fileBytes(path: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    yield Buffer.from(String(size)); // first item: the size, read by addFile
    let pos = 0;
    while (pos < size) {
      const want = Math.min(CHUNK, size - pos);
      // Unsafe (not zero-filled) is fine: only the bytesRead the file filled are ever passed on.
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) { yield Buffer.alloc(size - pos); onBytes(size - pos); return; }
      pos += bytesRead;
      onBytes(bytesRead);
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
  } finally { await fh.close(); }
}

function entryDone(pack: Pack, header: Partial<Header> & { name: string }, body?: AsyncGenerator<Buffer>): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    if (!body) { (sink as unknown as Writable).end(); return; }
    pipeline(Readable.from(body), sink as unknown as Writable).catch(reject);
  });
}

async function addFile(pack: Pack, e: PlanEntry, onBytes: (n: number) => void): Promise<void> {
  const gen = fileBytes(e.abs, onBytes);
  let first;
  try { first = await gen.next(); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const size = Number((first.value as Buffer).toString());
  await entryDone(pack, { name: e.rel, type: 'file', size, mode: e.mode, mtime: e.mtime, uid: 0, gid: 0 }, size > 0 ? gen : undefined);
  if (size === 0) await gen.return(undefined);
}

/** A readable tar of the plan; `onBytes` is called as file bytes are read (progress). */
export function packPlan(plan: BackupPlan, onBytes: (n: number) => void = () => undefined): Readable {
  const pack = tarStream.pack();
  (async () => {
    for (const e of plan.entries) {
      if (e.type === 'directory') await entryDone(pack, { name: `${e.rel}/`, type: 'directory', mode: e.mode, mtime: e.mtime, uid: 0, gid: 0 });
      else await addFile(pack, e, onBytes);
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return pack as unknown as Readable;
}
