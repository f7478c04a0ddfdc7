/**
 * @module Write a backup plan as a tar (tar-header.ts) straight into the sealer's chunk slots:
 * file bytes are read from disk into shared memory and nowhere else, one file at a time, so
 * memory stays flat whatever the install size and the main thread allocates nothing per chunk
 * (issue 20). A file that grows while it is read (a live log) is cut at the size it had when
 * opened; one that shrinks is padded with zeros; one that vanished is left out.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { BackupPlan, PlanEntry } from './backup-plan.ts';
import type { BackupSealer, ChunkSlot } from './backup-sealer.ts';
import { TAR_END_BYTES, tarHeader, tarPadding } from './tar-header.ts';

/** Fills slots in order and submits each one when full. */
class SlotWriter {
  #sealer: BackupSealer;
  #slot: ChunkSlot | undefined;
  #fill = 0;
  constructor(sealer: BackupSealer) { this.#sealer = sealer; }

  async #current(): Promise<ChunkSlot> {
    this.#slot ??= await this.#sealer.slot();
    return this.#slot;
  }

  #advance(n: number): void {
    this.#fill += n;
    if (this.#slot && this.#fill === this.#slot.data.length) this.flush();
  }

  async bytes(b: Buffer): Promise<void> {
    for (let o = 0; o < b.length;) {
      const s = await this.#current();
      const n = b.copy(s.data, this.#fill, o);
      o += n;
      this.#advance(n);
    }
  }

  async zeros(count: number): Promise<void> {
    for (let left = count; left > 0;) {
      const s = await this.#current();
      const n = Math.min(left, s.data.length - this.#fill);
      s.data.fill(0, this.#fill, this.#fill + n);
      left -= n;
      this.#advance(n);
    }
  }

  /** `size` bytes of `fh` from offset 0, read into the slots; zeros for whatever the file no longer has. */
  async file(fh: FileHandle, size: number, onBytes: (n: number) => void): Promise<void> {
    for (let pos = 0; pos < size;) {
      const s = await this.#current();
      const want = Math.min(size - pos, s.data.length - this.#fill);
      const { bytesRead } = await fh.read(s.data, this.#fill, want, pos);
      if (bytesRead === 0) { await this.zeros(size - pos); onBytes(size - pos); return; }
      pos += bytesRead;
      onBytes(bytesRead);
      this.#advance(bytesRead);
    }
  }

  flush(): void {
    if (this.#slot && this.#fill > 0) this.#sealer.submit(this.#slot.index, this.#fill);
    this.#slot = undefined;
    this.#fill = 0;
  }
}

async function addFile(out: SlotWriter, e: PlanEntry, onBytes: (n: number) => void): Promise<void> {
  let fh: FileHandle;
  try { fh = await open(e.abs, 'r'); } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    await out.bytes(tarHeader({ name: e.rel, type: 'file', size, mode: e.mode, mtime: e.mtime }));
    await out.file(fh, size, onBytes);
    await out.zeros(tarPadding(size));
  } finally { await fh.close(); }
}

/** The tar of `plan`, into `sealer`'s slots; `onBytes` is called as file bytes are read (progress). */
export async function packPlan(plan: BackupPlan, sealer: BackupSealer, onBytes: (n: number) => void = () => undefined): Promise<void> {
  const out = new SlotWriter(sealer);
  for (const e of plan.entries) {
    if (e.type === 'directory') await out.bytes(tarHeader({ name: e.rel, type: 'directory', size: 0, mode: e.mode, mtime: e.mtime }));
    else await addFile(out, e, onBytes);
  }
  await out.zeros(TAR_END_BYTES);
  out.flush();
}
