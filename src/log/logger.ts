/**
 * @module Structured application log: one JSON object per line in app.log (ISO-8601 UTC `ts`,
 * `level`, `event`, fields), redacted and control-character safe, rotated by size, and an
 * optional colourised console copy when stdout is a TTY (no colour when NO_COLOR is set).
 * With `stderr`, warnings and worse also go to stderr as one plain line each, so journald and
 * `docker logs` show them (issue #12 item 18); not when the TTY console copy already shows them.
 */
import { appendFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redact, escapeControlChars } from '../lib/redact.ts';
import { finishInterruptedRotation, rotateFile } from '../lib/rotate-file.ts';

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = typeof LOG_LEVELS[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warning(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  critical(event: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  dir: string;
  level: LogLevel;
  rotateSize: number;
  rotateFiles: number;
  console: boolean;
  fileName?: string;
  /** Copy warning, error and critical records to stderr. */
  stderr?: boolean;
}

const COLOURS: Record<LogLevel, string> = { debug: '\x1b[90m', info: '\x1b[36m', warning: '\x1b[33m', error: '\x1b[31m', critical: '\x1b[35;1m' };

/** Serialise one record as a single safe JSON line (JSON escapes C0; we also escape C1, U+2028/9). */
export function formatRecord(record: LogFields): string {
  return escapeControlChars(JSON.stringify(redact(record)));
}

/** A logger writing app.log under `dir`. */
export function createLogger(options: LoggerOptions): Logger {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const path = join(options.dir, options.fileName ?? 'app.log');
  finishInterruptedRotation(path, options.rotateFiles);
  const minRank = LOG_LEVELS.indexOf(options.level);
  const toConsole = options.console && process.stdout.isTTY === true;
  const colour = !('NO_COLOR' in process.env) || process.env.NO_COLOR === '';
  const stderrRank = options.stderr && !toConsole ? LOG_LEVELS.indexOf('warning') : Infinity;
  let size = existsSync(path) ? statSync(path).size : 0;

  function write(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (LOG_LEVELS.indexOf(level) < minRank) return;
    const line = formatRecord({ ts: new Date().toISOString(), level, event, ...fields });
    try {
      appendFileSync(path, `${line}\n`, { mode: 0o600 });
      size += Buffer.byteLength(line) + 1;
      if (size >= options.rotateSize) { rotateFile(path, options.rotateFiles); size = 0; }
    } catch (err) {
      process.stderr.write(`aibridge: cannot write ${path}: ${(err as Error).message}\n`);
    }
    const rest = Object.keys(fields).length ? ` ${formatRecord(fields)}` : '';
    if (toConsole) {
      const label = level.toUpperCase().padEnd(8);
      process.stdout.write(`${colour ? `${COLOURS[level]}${label}\x1b[0m` : label} ${escapeControlChars(event)}${rest}\n`);
    }
    if (LOG_LEVELS.indexOf(level) >= stderrRank) {
      try { process.stderr.write(`aibridge ${level.toUpperCase()} ${escapeControlChars(event)}${rest}\n`); } catch { /* stderr closed */ }
    }
  }

  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warning: (e, f) => write('warning', e, f),
    error: (e, f) => write('error', e, f),
    critical: (e, f) => write('critical', e, f),
  };
}

/** A logger that drops everything (tests, CLIs before config is loaded). */
export function createNullLogger(): Logger {
  const drop = (): void => undefined;
  return { debug: drop, info: drop, warning: drop, error: drop, critical: drop };
}
