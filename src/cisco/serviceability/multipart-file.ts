/**
 * @module The body of a GetOneFile answer (multipart/related, SOAP with attachments) read into a
 * file: the root part (the `start` Content-ID, else the first part) is the SOAP envelope, kept up
 * to 1 MiB; the first other part is the file, copied into a write-behind pool as it arrives; any
 * further part is skipped. A body consumer of https-stream.ts: it pauses the socket while the
 * pool is full and resumes it when the disk caught up, so memory is the pool, not the file.
 */
import type { FileHandle } from 'node:fs/promises';
import { AppError } from '../../lib/errors.ts';
import { WriteBehind } from '../../lib/write-behind.ts';
import { scanXml } from '../../lib/xsd/xml-scan.ts';
import type { BodyConsumer } from '../https-stream.ts';
import { parseSoapAnswer, snippet } from '../soap/soap-response.ts';
import { upstreamError } from '../upstream-error.ts';
import { MultipartReader } from './multipart.ts';

export interface MultipartFileOptions {
  /** The open temp file the attachment goes to (the caller fsyncs, closes and renames it). */
  fh: FileHandle;
  boundary: string;
  /** The `start` parameter of the Content-Type: the root part's Content-ID. */
  start: string | undefined;
  maxBytes: number;
  nodeName: string;
  /** Resume reading the socket (after `data` returned false). */
  resume: () => void;
  /** Bytes of the file handed to the disk so far (every MiB). */
  onProgress?: (bytes: number, total: number | undefined) => void;
}

const SOAP_MAX_CHARS = 1024 * 1024;
/** fdatasync while the download runs (see WriteBehind): the commit's fsync then waits for at most this much. */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

export class MultipartFile implements BodyConsumer<{ bytes: number; contentType: string }> {
  readonly #o: MultipartFileOptions;
  readonly #reader: MultipartReader;
  readonly #sink: WriteBehind;
  #role: 'soap' | 'file' | 'skip' = 'skip';
  #parts = 0;
  #fileParts = 0;
  #soap = '';
  #bytes = 0;
  #contentType = 'application/octet-stream';

  constructor(o: MultipartFileOptions) {
    this.#o = o;
    this.#reader = new MultipartReader(o.boundary);
    this.#sink = new WriteBehind(o.fh, { onRoom: o.resume, syncEveryBytes: SYNC_EVERY_BYTES, ...(o.onProgress ? { onHandedOver: (b: number) => o.onProgress!(b, undefined) } : {}) });
  }

  data(chunk: Buffer): boolean {
    let room = true;
    for (const ev of this.#reader.push(chunk)) {
      if (ev.type === 'part') {
        this.#parts++;
        const isRoot = this.#o.start !== undefined ? ev.headers['content-id'] === this.#o.start : this.#parts === 1;
        this.#role = isRoot ? 'soap' : this.#fileParts === 0 ? 'file' : 'skip';
        if (this.#role === 'file') { this.#fileParts++; this.#contentType = ev.headers['content-type'] ?? this.#contentType; }
      } else if (ev.type === 'data') {
        if (this.#role === 'soap') {
          this.#soap += ev.data.toString('utf8');
          if (this.#soap.length > SOAP_MAX_CHARS) throw upstreamError('malformed_answer', 'The SOAP part of the GetOneFile answer exceeds 1 MiB', { node: this.#o.nodeName, hint: 'the node answered unexpectedly' });
        } else if (this.#role === 'file') {
          this.#bytes += ev.data.length;
          if (this.#bytes > this.#o.maxBytes) throw new AppError('E_INPUT_INVALID', `The file is larger than the download cap of ${this.#o.maxBytes} bytes and was not kept`, { hint: 'raise SERVER_CUCM_DIME_MAX_DOWNLOAD_MB in .env, or pick a smaller file (trace files roll over at a configurable size)' });
          room = this.#sink.write(ev.data) && room;
        }
      }
    }
    return room;
  }

  async end(): Promise<{ bytes: number; contentType: string }> {
    try {
      this.#check();
    } catch (err) {
      // Nothing may still be writing when the caller closes and removes the file.
      await this.#sink.flush().catch(() => undefined);
      this.#sink.release();
      throw err;
    }
    await this.#sink.flush();
    this.#sink.release();
    return { bytes: this.#bytes, contentType: this.#contentType };
  }

  /** The answer as a whole: complete, no SOAP fault, an acceptable envelope, a file part. */
  #check(): void {
    const node = this.#o.nodeName;
    this.#reader.finish();
    if (this.#soap.includes('Fault>')) {
      let why = 'SOAP fault';
      try { const a = parseSoapAnswer(this.#soap, node); if (!a.ok) why = snippet(a.fault.faultstring); } catch { /* keep generic */ }
      throw upstreamError('soap_fault', `GetOneFile failed on node "${node}": ${why}`, { node, hint: 'check the path with cucm_log_find' });
    }
    if (this.#soap) scanXml(this.#soap); // the envelope must at least be acceptable XML
    if (this.#fileParts === 0) throw upstreamError('malformed_answer', `Node "${node}" sent a GetOneFile answer without a file part`, { node, hint: 'the file may be empty or unreadable on the node' });
  }
}
