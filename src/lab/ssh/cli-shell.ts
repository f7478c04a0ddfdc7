/**
 * @module One interactive CLI session on a pty: the login banner, `admin:` prompt with echo and
 * line editing, Ctrl-C, and the VOS pager (`Press <enter> for 1 line, <space> for one page, or
 * <q> to quit`, bold ANSI, next text on the same line as in the UNICON capture).
 */
import type { CliContext } from './cli-platform.ts';
import type { SessionState } from './cli-commands.ts';
import { runCliCommand } from './cli-commands.ts';

export const PAGER_PROMPT = '\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K';
export const PROMPT = 'admin:';

export interface ShellIo {
  write(text: string): void;
  close(): void;
  /** Wait before showing output (the latency fault). */
  delay(): Promise<void>;
}

export function loginBanner(): string {
  return [
    'Command Line Interface is starting up, please wait ...', '', '   Welcome to the Platform Command Line Interface', '',
    'VMware Installation:', '        2 vCPU: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', '        Disk 1: 110GB, Partitions aligned',
    '        8192 Mbytes RAM', '',
  ].join('\r\n');
}

export class CliShell {
  #ctx: CliContext;
  #io: ShellIo;
  #state: SessionState = { pagination: true };
  #line = '';
  #rows: number;
  #pending: string[] = [];
  #paging = false;
  #busy = false;
  #lastWasCr = false;
  #typeAhead = '';

  constructor(ctx: CliContext, io: ShellIo, rows: number) {
    this.#ctx = ctx;
    this.#io = io;
    this.#rows = rows > 2 ? rows : 24;
  }

  setRows(rows: number): void {
    if (rows > 2) this.#rows = rows;
  }

  start(): void {
    this.#io.write(`${loginBanner()}\r\n${PROMPT}`);
  }

  /** Feed raw keystrokes from the client. */
  input(data: string): void {
    const chars = [...data];
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      // Keys typed while a command runs are kept for after it (type-ahead).
      if (this.#busy) { this.#typeAhead += chars.slice(i).join(''); return; }
      if (this.#paging) { this.#pagerKey(ch); continue; }
      // CR LF from a client is one Enter, not two.
      if (ch === '\n' && this.#lastWasCr) { this.#lastWasCr = false; continue; }
      this.#lastWasCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        this.#io.write('\r\n');
        void this.#execute(this.#line);
        this.#line = '';
      } else if (ch === '\x03') {
        this.#line = '';
        this.#io.write(`\r\nControl-C pressed\r\n\r\n${PROMPT}`);
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.#line.length > 0) { this.#line = this.#line.slice(0, -1); this.#io.write('\b \b'); }
      } else if (ch === '\x04') {
        if (this.#line === '') this.#io.close();
      } else if (ch >= ' ' && ch !== '\x7f') {
        this.#line += ch;
        this.#io.write(ch);
      }
    }
  }

  async #execute(line: string): Promise<void> {
    const cmd = line.trim();
    if (cmd === 'exit' || cmd === 'quit') { this.#io.close(); return; }
    if (cmd === '') { this.#io.write(PROMPT); return; }
    this.#busy = true;
    await this.#io.delay();
    this.#busy = false;
    const result = runCliCommand(this.#ctx, cmd, this.#state);
    const page = this.#rows - 1;
    if (!this.#state.pagination || result.lines.length <= page) {
      this.#io.write(result.lines.map((l) => `${l}\r\n`).join('') + PROMPT);
      this.#drainTypeAhead();
      return;
    }
    this.#io.write(result.lines.slice(0, page).map((l) => `${l}\r\n`).join(''));
    this.#pending = result.lines.slice(page);
    this.#paging = true;
    this.#io.write(PAGER_PROMPT);
    this.#drainTypeAhead();
  }

  #drainTypeAhead(): void {
    const keys = this.#typeAhead;
    this.#typeAhead = '';
    if (keys !== '') this.input(keys);
  }

  #pagerKey(ch: string): void {
    let n = 0;
    if (ch === 'q' || ch === 'Q' || ch === '\x03') {
      this.#pending = [];
      this.#paging = false;
      this.#io.write(`\r\n${PROMPT}`);
      return;
    }
    if (ch === ' ') n = this.#rows - 1;
    else if (ch === '\r' || ch === '\n') n = 1;
    else return;
    const chunk = this.#pending.splice(0, n);
    // The next text follows the pager prompt on the same physical line (UNICON vos.rst capture).
    this.#io.write(chunk.map((l) => `${l}\r\n`).join(''));
    if (this.#pending.length === 0) { this.#paging = false; this.#io.write(PROMPT); }
    else this.#io.write(PAGER_PROMPT);
  }
}
