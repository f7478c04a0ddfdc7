/**
 * @module One interactive CLI session on a pty: the login banner, `admin:` prompt with echo and
 * line editing, Ctrl-C, and the VOS pager (`Press <enter> for 1 line, <space> for one page, or
 * <q> to quit`, bold ANSI, next text on the same line as in the UNICON capture), and the
 * interactions of cli-interactive.ts: streamed output (Ctrl-C stops it), prompts that wait for an
 * answer line (or any key), the `file view` pager and `file tail` following a file.
 */
import type { CliContext, CliResult } from './cli-platform.ts';
import type { SessionState } from './cli-commands.ts';
import { runCliCommand } from './cli-commands.ts';
import type { Interaction, LabLog } from './cli-interactive.ts';

export const PAGER_PROMPT = '\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m\x1b[K';
export const PROMPT = 'admin:';
const CTRL_C = `\r\nControl-C pressed\r\n\r\n${PROMPT}`;

export function filePager(first: number, last: number, total: number): string {
  return `\x1b[1m\r\noptions: q=quit, n=next, p=prev, b=begin, e=end (lines ${first} - ${last} of ${total}) : \x1b[0m`;
}

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
  /** Stops the streamed output in progress (Ctrl-C). */
  #interrupt: (() => void) | undefined;
  /** A prompt waiting for its answer line (or any key). */
  #asking: Extract<Interaction, { kind: 'prompt' }> | undefined;
  #view: { log: LabLog; first: number } | undefined;

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
      // Ctrl-C stops a running command; other keys typed meanwhile are kept for after it.
      if (this.#interrupt && ch === '\x03') { const stop = this.#interrupt; this.#interrupt = undefined; stop(); continue; }
      if (this.#busy) { this.#typeAhead += chars.slice(i).join(''); return; }
      if (this.#paging) { this.#pagerKey(ch); continue; }
      if (this.#view) { this.#viewKey(ch); continue; }
      if (this.#asking?.anyKey) { const a = this.#asking; this.#asking = undefined; this.#io.write('\r\n'); if (ch === '\x03') this.#io.write(CTRL_C.slice(2)); else void this.#show(a.answer(ch)); continue; }
      // CR LF from a client is one Enter, not two.
      if (ch === '\n' && this.#lastWasCr) { this.#lastWasCr = false; continue; }
      this.#lastWasCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        this.#io.write('\r\n');
        const line = this.#line;
        this.#line = '';
        const asking = this.#asking;
        this.#asking = undefined;
        if (asking) void this.#show(asking.answer(line));
        else void this.#execute(line);
      } else if (ch === '\x03') {
        this.#line = '';
        this.#asking = undefined;
        this.#io.write(CTRL_C);
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
    await this.#show(runCliCommand(this.#ctx, cmd, this.#state));
  }

  /** Print a result, then play what follows it. */
  async #show(result: CliResult): Promise<void> {
    if (result.then) {
      this.#io.write(result.lines.map((l) => `${l}\r\n`).join(''));
      await this.#play(result.then);
      return;
    }
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

  async #play(then: Interaction): Promise<void> {
    switch (then.kind) {
      case 'prompt':
        this.#asking = then;
        this.#io.write(then.text);
        this.#drainTypeAhead();
        return;
      case 'stream': {
        let stopped = false;
        let wake: (() => void) | undefined;
        this.#busy = true;
        this.#interrupt = () => { stopped = true; wake?.(); };
        for (const step of then.steps) {
          await new Promise<void>((r) => { const t = setTimeout(r, step.delayMs); wake = () => { clearTimeout(t); r(); }; });
          if (stopped) break;
          this.#io.write(step.lines.map((l) => `${l}\r\n`).join(''));
        }
        this.#interrupt = undefined;
        this.#busy = false;
        if (stopped) { this.#io.write(CTRL_C.slice(2)); this.#drainTypeAhead(); return; }
        this.#io.write((then.after ?? []).map((l) => `${l}\r\n`).join('') + PROMPT);
        this.#drainTypeAhead();
        return;
      }
      case 'view':
        if (then.log.lines <= this.#viewPage()) { this.#io.write(this.#lines(then.log, 1, then.log.lines) + PROMPT); return; }
        this.#view = { log: then.log, first: 1 };
        this.#showView();
        this.#drainTypeAhead();
        return;
      case 'tail': {
        const from = Math.max(1, then.log.lines - then.lines + 1);
        this.#io.write(this.#lines(then.log, from, then.log.lines));
        // Follows the file: nothing new arrives in the lab, so it waits for Ctrl-C.
        this.#busy = true;
        this.#interrupt = () => { this.#busy = false; this.#io.write(CTRL_C.slice(2)); this.#drainTypeAhead(); };
        return;
      }
    }
  }

  #viewPage(): number { return Math.max(1, this.#rows - 2); }

  #lines(log: LabLog, first: number, last: number): string {
    let t = '';
    for (let n = first; n <= last; n++) t += `${log.line(n)}\r\n`;
    return t;
  }

  #showView(): void {
    const v = this.#view!;
    const last = Math.min(v.log.lines, v.first + this.#viewPage() - 1);
    this.#io.write(this.#lines(v.log, v.first, last) + filePager(v.first, last, v.log.lines));
  }

  /** `file view` pager keys: q quit, n next, p prev, b begin, e end; anything else is ignored. */
  #viewKey(ch: string): void {
    const v = this.#view!;
    const page = this.#viewPage();
    if (ch === 'q' || ch === 'Q' || ch === '\x03') { this.#view = undefined; this.#io.write(`\r\n${PROMPT}`); return; }
    if (ch === 'n') v.first = Math.min(v.first + page, Math.max(1, v.log.lines - page + 1));
    else if (ch === 'p') v.first = Math.max(1, v.first - page);
    else if (ch === 'b') v.first = 1;
    else if (ch === 'e') v.first = Math.max(1, v.log.lines - page + 1);
    else return;
    this.#io.write('\r\n');
    this.#showView();
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
