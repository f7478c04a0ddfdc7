/**
 * @module One interactive admin CLI session over SSH (ssh2 shell): host key checked first (TOFU),
 * password or keyboard-interactive login, wait for `admin:` (its own login timeout: "Command Line
 * Interface is starting up" takes long on a loaded node), then one command at a time.
 *
 * A command runs until the `admin:` prompt comes back, bounded by an idle timeout (no output for
 * N s) and an absolute cap. Pagers are answered (VOS pager: space; `file view`: a bounded window,
 * see file-window.ts); any other prompt is left with a safe key and reported as `declined`. When a
 * limit stops a command, the lines already received are returned as `truncated` with the limit
 * named, and the session is recovered with Ctrl-C for the next command instead of being killed.
 */
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { AppError } from '../../lib/errors.ts';
import type { PendingPrompt } from './cli-output.ts';
import { atFilePager, atPager, atPrompt, cleanOutput, dropPagers, knownPrompt, looksFailed, quietPrompt } from './cli-output.ts';
import type { FileWindow, FileWindowResult } from './file-window.ts';
import { FileWindowReader } from './file-window.ts';
import type { HostKeyStore } from './host-key-store.ts';
import { StreamDecoder, plainText } from './terminal-text.ts';
import { upstreamError } from '../upstream-error.ts';
import { describeNetworkError } from '../network-error.ts';

const { Client } = ssh2;

export interface CliSessionOptions {
  node: { name: string; host: string; port: number };
  login: { user: string; password: string };
  hostKeys: HostKeyStore;
  term: string;
  cols: number;
  rows: number;
  /** Connect, authenticate and wait for the first `admin:`. */
  loginTimeoutMs: number;
}

export type StopReason = 'idle_timeout' | 'max_duration' | 'output_limit' | 'cancelled' | 'window_complete';

export interface CliRunOptions {
  /** No output for this long stops the command. */
  idleMs: number;
  /** The command never runs longer than this. */
  maxMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal | undefined;
  /** Complete output lines as they arrive (plain text). */
  onLines?: ((lines: string[]) => void) | undefined;
  /** `file view`: read this window through its pager. */
  window?: FileWindow | undefined;
  /** `file tail`: it follows the file; stop once output pauses for this long (a normal end). */
  followQuietMs?: number | undefined;
}

export interface CliResult {
  output: string;
  status: 'ok' | 'error' | 'declined' | 'truncated';
  stoppedBy?: StopReason;
  prompt?: PendingPrompt;
  file?: Omit<FileWindowResult, 'lines'>;
}

/** Output pause after which a last line ending in ":", "?" or ")" is taken for a prompt. */
export const QUIET_PROMPT_MS = 4000;
/** Time allowed for the prompt to come back after Ctrl-C or a safe answer. */
const RECOVER_MS = 10_000;
/** `utils diagnose test` prints "test - name   :" and the result only when the module is done. */
const DIAG_PROGRESS = /^(?:test|skip|fix)\s+-\s+\S+\s*:$/;

export class CliSession {
  #o: CliSessionOptions;
  #client = new Client();
  #shell: ClientChannel | undefined;
  /** Raw text since the last key aibridge sent. */
  #seg = '';
  #wake: (() => void) | undefined;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();
  lastUsed = Date.now();

  constructor(options: CliSessionOptions) {
    this.#o = options;
  }

  get isClosed(): boolean { return this.#closed; }

  /** Connect, verify the host key, log in and wait for the first prompt. */
  async open(): Promise<void> {
    const { node, login } = this.#o;
    const deadline = Date.now() + this.#o.loginTimeoutMs;
    let mismatch = false;
    await new Promise<void>((resolve, reject) => {
      this.#client.once('ready', () => resolve());
      this.#client.once('error', (err) => reject(mismatch
        ? upstreamError('ssh_host_key_changed', `SSH host key of node "${node.name}" changed since it was first trusted; the connection was blocked`, { node: node.name, hint: 'if the node was really reinstalled or re-keyed, an operator removes its entry from secrets/ssh_host_keys.json; otherwise investigate a man-in-the-middle' })
        : /authentication/i.test(err.message)
          ? upstreamError('auth_rejected', `Node "${node.name}" rejected the stored CLI credentials`, { node: node.name, hint: 'an operator updates them with aibridge credentials set', cause: err })
          : describeNetworkError(err, { node: node.name, host: `${node.host}:${node.port}`, timedOut: /timed out/i.test(err.message), timeoutMs: this.#o.loginTimeoutMs, tlsKeys: undefined, hint: 'check the node, SERVER_<PRODUCT>_SSH_PORT / CISCO_NODE_PORTS and firewalls' })));
      this.#client.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map(() => login.password)));
      this.#client.on('close', () => { this.#closed = true; this.#wake?.(); });
      this.#client.connect({
        host: node.host, port: node.port, username: login.user, password: login.password, tryKeyboard: true,
        readyTimeout: this.#o.loginTimeoutMs, keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => { const v = this.#o.hostKeys.verify(node, key); mismatch = v === 'mismatch'; return !mismatch; },
      });
    });
    this.#shell = await new Promise<ClientChannel>((resolve, reject) => {
      this.#client.shell({ term: this.#o.term, cols: this.#o.cols, rows: this.#o.rows }, (err, ch) => (err ? reject(err) : resolve(ch)));
    });
    // One streaming decoder per channel: a character split across packets is decoded once.
    const out = new StreamDecoder();
    const err = new StreamDecoder();
    this.#shell.on('data', (d: Buffer) => { this.#seg += out.write(d); this.#wake?.(); });
    this.#shell.stderr.on('data', (d: Buffer) => { this.#seg += err.write(d); this.#wake?.(); });
    this.#shell.on('close', () => this.close());
    for (;;) {
      if (atPrompt(this.#seg)) break;
      if (this.#closed) throw this.#closedError('the admin: prompt after login');
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        throw upstreamError('timeout', `Node "${this.#o.node.name}" did not show the admin: prompt within ${Math.round(this.#o.loginTimeoutMs / 1000)} s of login ("Command Line Interface is starting up" can take long on a loaded node)`, { node: this.#o.node.name, hint: 'retry in a minute, or raise SERVER_<PRODUCT>_SSH_LOGIN_TIMEOUT' });
      }
      await this.#next(left);
    }
    this.#seg = '';
    // Pagination off for this session only (CLI-REF); where it is refused, the pager is answered.
    this.#send('set cli pagination off\r');
    while (!atPrompt(this.#seg) && !this.#closed && Date.now() < deadline) await this.#next(deadline - Date.now());
    this.#seg = '';
  }

  #closedError(what: string): AppError {
    return upstreamError('session_closed', `SSH session to node "${this.#o.node.name}" closed while waiting for ${what}`, { node: this.#o.node.name, hint: 'retry; the node may have ended the session' });
  }

  /** Resolve on new output, on close, or after `ms`. */
  #next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#wake = undefined; resolve(); }, Math.max(1, ms));
      this.#wake = () => { clearTimeout(t); this.#wake = undefined; resolve(); };
    });
  }

  #send(keys: string): void {
    if (!this.#closed && this.#shell?.writable) this.#shell.write(keys);
  }

  /** Run one already-checked command (calls on one session are serialised). */
  run(command: string, opts: CliRunOptions): Promise<CliResult> {
    const next = this.#queue.then(() => this.#run(command, opts));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run(command: string, o: CliRunOptions): Promise<CliResult> {
    if (this.#closed || !this.#shell) throw upstreamError('session_closed', `SSH session to node "${this.#o.node.name}" is closed`, { node: this.#o.node.name, hint: 'retry' });
    const started = Date.now();
    this.lastUsed = started;
    this.#seg = '';
    let out = '';
    let bytes = 0;
    let lastData = started;
    let seen = 0;
    let partial = '';
    const reader = o.window ? new FileWindowReader(o.window) : undefined;
    let usedPager = false;
    let stop: StopReason | undefined;
    let prompt: PendingPrompt | undefined;
    const onAbort = (): void => this.#wake?.();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    this.#send(`${command}\r`);
    try {
      for (;;) {
        if (this.#seg.length > seen) {
          const fresh = this.#seg.slice(seen);
          seen = this.#seg.length;
          bytes += Buffer.byteLength(fresh);
          lastData = Date.now();
          if (o.onLines) {
            const raw = partial + fresh;
            const cut = raw.lastIndexOf('\n');
            partial = cut < 0 ? raw : raw.slice(cut + 1);
            if (cut >= 0) {
              const lines = plainText(dropPagers(raw.slice(0, cut))).split('\n').filter((l) => { const t = l.trim(); return t !== command && t !== `admin:${command}`; });
              if (lines.length) o.onLines(lines);
            }
          }
        }
        const seg = this.#seg;
        if (atPrompt(seg)) break;
        if (this.#closed) throw this.#closedError(`the end of "${command}"`);
        const pos = atFilePager(seg);
        if (pos) {
          usedPager = true;
          // eslint-disable-next-line no-control-regex, security/detect-unsafe-regex -- matching control characters is the point here: they are refused or stripped; checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
          const body = plainText(seg.replace(/(?:\x1b\[[0-9;]*m)*\r?\n?options: q=quit[\s\S]*$/, '')).split('\n');
          if (body.length && body[body.length - 1] === '') body.pop();
          let key: 'n' | 'p' | 'e' | 'q' = 'n';
          try {
            if (reader) key = reader.screen(body, pos);
          } catch (err) {
            // Leave the pager before reporting, so the session is ready for the next command.
            this.#seg = '';
            this.#send('q');
            await this.#recover(false);
            throw err;
          }
          out += seg; this.#seg = ''; seen = 0; partial = '';
          if (!reader && bytes > o.maxOutputBytes) { stop = 'output_limit'; break; }
          this.#send(key);
          if (key === 'q') { stop = 'window_complete'; }
          continue;
        }
        if (atPager(seg)) {
          out += seg; this.#seg = ''; seen = 0; partial = '';
          if (bytes > o.maxOutputBytes) { stop = 'output_limit'; break; }
          this.#send(' ');
          continue;
        }
        const known = knownPrompt(seg);
        if (known) { prompt = known; break; }
        const now = Date.now();
        if (o.signal?.aborted) { stop = 'cancelled'; break; }
        if (bytes > o.maxOutputBytes) { stop = 'output_limit'; break; }
        if (now - started >= o.maxMs) { stop = 'max_duration'; break; }
        const quiet = now - lastData;
        if (o.followQuietMs !== undefined && quiet >= o.followQuietMs && bytes > 0) { stop = 'window_complete'; break; }
        if (quiet >= QUIET_PROMPT_MS) {
          const q = quietPrompt(seg);
          if (q && !DIAG_PROGRESS.test(q.text)) { prompt = q; break; }
        }
        if (quiet >= o.idleMs) { stop = 'idle_timeout'; break; }
        const waits = [o.maxMs - (now - started), o.idleMs - quiet];
        if (quiet < QUIET_PROMPT_MS) waits.push(QUIET_PROMPT_MS - quiet);
        if (o.followQuietMs !== undefined) waits.push(Math.max(1, o.followQuietMs - quiet));
        await this.#next(Math.min(...waits.filter((w) => w > 0)));
      }
      out += this.#seg;
      this.#seg = '';
      if (prompt) {
        this.#send(prompt.answer);
        out += await this.#recover(prompt.answer === '\x03');
      } else if (stop && stop !== 'window_complete') {
        if (usedPager || atPager(out)) this.#send('q');
        this.#send('\x03');
        out += await this.#recover(true);
      } else if (stop === 'window_complete' && !atPrompt(out)) {
        // The pager was left with "q" or a followed file paused: wait for admin: (Ctrl-C for tail).
        if (o.followQuietMs !== undefined) this.#send('\x03');
        out += await this.#recover(o.followQuietMs !== undefined);
      }
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      this.lastUsed = Date.now();
    }
    if (o.followQuietMs !== undefined) out = out.replace(/\r?\n?Control-C pressed[\s\S]*$/, '');
    let output = cleanOutput(out, command);
    let file: CliResult['file'];
    if (reader) {
      const r = usedPager ? reader.result() : reader.result(output === '' ? [] : output.split('\n'));
      output = r.lines.join('\n');
      file = { totalLines: r.totalLines, firstLine: r.firstLine, lastLine: r.lastLine };
    }
    if (prompt) return { output: output.replace(/\n?Control-C pressed\s*$/, ''), status: 'declined', prompt };
    if (stop && stop !== 'window_complete') return { output: output.replace(/\n?Control-C pressed\s*$/, ''), status: 'truncated', stoppedBy: stop, ...(file ? { file } : {}) };
    const status = looksFailed(output) ? 'error' : 'ok';
    return { output, status, ...(file ? { file } : {}) };
  }

  /** After a safe answer or Ctrl-C: wait for admin:; a second Ctrl-C; else close the session. */
  async #recover(ctrlCSent: boolean): Promise<string> {
    let text = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      const until = Date.now() + RECOVER_MS;
      while (!this.#closed && !atPrompt(this.#seg) && Date.now() < until) await this.#next(until - Date.now());
      text += this.#seg;
      this.#seg = '';
      if (atPrompt(text)) return text;
      if (this.#closed) return text;
      if (!ctrlCSent || attempt === 0) this.#send('\x03');
    }
    // The node did not come back: drop this session; the next command logs in again.
    this.close();
    return text;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try { this.#client.end(); } catch { /* already gone */ }
    this.#wake?.();
  }
}
