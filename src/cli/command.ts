/**
 * @module The shape of a CLI subcommand (as caddy's cmd.Command): name, usage, flags and a `run`
 * that returns the exit code. Commands hold no business logic; they parse, call, and print.
 */
import type { ParseArgsOptionsConfig } from 'node:util';

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  /** Absolute install root (`--dir`, default: current directory). */
  dir: string;
  values: FlagValues;
  positionals: string[];
  /** Print one line to stdout. */
  out(line: string): void;
  /** Print one line to stderr. */
  err(line: string): void;
}

export interface Command {
  /** Words after `aibridge`, e.g. `audit verify`. */
  name: string;
  summary: string;
  /** Usage line and flag descriptions shown by `--help`. */
  help: string;
  /** Flags besides the common `--dir` and `--help`. */
  options: ParseArgsOptionsConfig;
  /** Positional arguments allowed (default false). */
  allowPositionals?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

/** Read a string flag, or undefined. */
export function flagString(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Read a boolean flag. */
export function flagBool(values: FlagValues, name: string): boolean {
  return values[name] === true;
}
