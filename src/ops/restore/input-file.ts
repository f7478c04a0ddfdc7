/**
 * @module Hostile path arguments (--file, --key): must name a regular file after following links;
 * devices, FIFOs (which would block the read), sockets and folders are refused.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../lib/errors.ts';

/** Absolute path of an existing regular file, or throw E_USAGE naming the argument. */
export function regularFileArg(flag: string, value: string, base: string): string {
  const path = resolve(base, value);
  let st;
  try { st = statSync(path); } catch (err) {
    throw new AppError('E_USAGE', `${flag} "${value}" cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check the path' });
  }
  if (!st.isFile()) throw new AppError('E_USAGE', `${flag} "${value}" is not a regular file`, { hint: 'give the path of a file (not a folder, device or pipe)' });
  return path;
}
