/**
 * @module One interactive admin CLI session over SSH (ssh2 shell): host key checked first (TOFU),
 * password or keyboard-interactive login, wait for `admin:`, then one command at a time with
 * automatic paging, confirmations refused, output and time bounded.
 */
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { AppError } from '../../lib/errors.ts';
import { CONFIRM, FILE_PAGER, PAGER, PROMPT, cleanOutput, looksFailed } from './cli-output.ts';
import type { HostKeyStore } from './host-key-store.ts';

const { Client } = ssh2;

export interface CliSessionOptions {
  node: { name: string; host: string; port: number };
  login: { user: string; password: string };
  hostKeys: HostKeyStore;
  term: string;
  cols: number;
  rows: number;
  timeoutMs: number;
  maxOutputBytes: number;
}

export interface CliResult { output: string; status: 'ok' | 'error' | 'declined' | 'truncated' }

export class CliSession {
  #o: CliSessionOptions;
  #client = new Client();
  #shell: ClientChannel | undefined;
  #buf = '';
  #waiter: (() => void) | undefined;
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
    let mismatch = false;
    await new Promise<void>((resolve, reject) => {
      this.#client.once('ready', () => resolve());
      this.#client.once('error', (err) => reject(mismatch
        ? new AppError('E_UPSTREAM', `SSH host key of node "${node.name}" changed since it was first trusted; the connection was blocked`, { hint: 'if the node was really reinstalled or re-keyed, an operator removes its entry from secrets/ssh_host_keys.json; otherwise investigate a man-in-the-middle' })
        : new AppError('E_UPSTREAM', /authentication/i.test(err.message) ? `Node "${node.name}" rejected the stored CLI credentials` : `Cannot open SSH to node "${node.name}" (${node.host}:${node.port}): ${err.message}`, {
          hint: /authentication/i.test(err.message) ? 'an operator updates them with aibridge credentials set' : 'check the node, SERVER_<PRODUCT>_SSH_PORT / CISCO_NODE_PORTS and firewalls', cause: err })));
      this.#client.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map(() => login.password)));
      this.#client.on('close', () => { this.#closed = true; this.#waiter?.(); });
      this.#client.connect({
        host: node.host, port: node.port, username: login.user, password: login.password, tryKeyboard: true,
        readyTimeout: this.#o.timeoutMs, keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => { const v = this.#o.hostKeys.verify(node, key); mismatch = v === 'mismatch'; return !mismatch; },
      });
    });
    this.#shell = await new Promise<ClientChannel>((resolve, reject) => {
      this.#client.shell({ term: this.#o.term, cols: this.#o.cols, rows: this.#o.rows }, (err, ch) => (err ? reject(err) : resolve(ch)));
    });
    this.#shell.on('data', (d: Buffer) => { this.#buf += d.toString('utf8'); this.#waiter?.(); });
    this.#shell.stderr.on('data', (d: Buffer) => { this.#buf += d.toString('utf8'); this.#waiter?.(); });
    this.#shell.on('close', () => this.close());
    await this.#until(() => PROMPT.test(this.#buf.slice(-200)), Date.now() + this.#o.timeoutMs, 'the admin: prompt after login');
    this.#buf = '';
  }

  #until(done: () => boolean, deadline: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.#waiter = undefined; this.close(); reject(new AppError('E_UPSTREAM', `Timed out waiting for ${what} on node "${this.#o.node.name}"`, { hint: 'the command may still be running on the node; raise SERVER_<PRODUCT>_SSH_TIMEOUT for long commands' })); }, Math.max(0, deadline - Date.now()));
      this.#waiter = () => {
        if (this.#closed) { clearTimeout(timer); this.#waiter = undefined; reject(new AppError('E_UPSTREAM', `SSH session to node "${this.#o.node.name}" closed while waiting for ${what}`, { hint: 'retry; the node may have ended the session' })); return; }
        if (done()) { clearTimeout(timer); this.#waiter = undefined; resolve(); }
      };
      this.#waiter();
    });
  }

  /** Run one already-checked command (calls on one session are serialised). */
  run(command: string): Promise<CliResult> {
    const next = this.#queue.then(() => this.#run(command));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run(command: string): Promise<CliResult> {
    if (this.#closed || !this.#shell) throw new AppError('E_UPSTREAM', `SSH session to node "${this.#o.node.name}" is closed`, { hint: 'retry' });
    const shell = this.#shell;
    this.lastUsed = Date.now();
    this.#buf = '';
    shell.write(`${command}\n`);
    let out = '';
    let status: CliResult['status'] = 'ok';
    const deadline = Date.now() + this.#o.timeoutMs;
    for (;;) {
      await this.#until(() => { const tail = this.#buf.slice(-300); return PROMPT.test(tail) || PAGER.test(tail) || FILE_PAGER.test(tail) || CONFIRM.test(tail) || this.#buf.length > this.#o.maxOutputBytes; }, deadline, `the end of "${command}"`);
      const tail = this.#buf.slice(-300);
      out += this.#buf;
      this.#buf = '';
      if (PROMPT.test(tail)) break;
      if (out.length > this.#o.maxOutputBytes) { status = 'truncated'; shell.write('q'); shell.write('\x03'); }
      else if (CONFIRM.test(tail)) { status = 'declined'; shell.write('\x03'); }
      else if (FILE_PAGER.test(tail)) shell.write('n');
      else shell.write(' ');
      if (status !== 'ok') { await this.#until(() => PROMPT.test(this.#buf.slice(-200)), deadline, 'the prompt after stopping the command').catch(() => this.close()); break; }
    }
    this.lastUsed = Date.now();
    const output = cleanOutput(out, command);
    if (status === 'ok' && looksFailed(output)) status = 'error';
    return { output, status };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try { this.#client.end(); } catch { /* already gone */ }
    this.#waiter?.();
  }
}
