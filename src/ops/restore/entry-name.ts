/**
 * @module Archive entry names that may be extracted: relative, no "..", no empty or "." segments,
 * no NUL or backslash, at most 4096 bytes. Everything else is refused (path traversal, absolute
 * paths), so an entry can only land inside the target folder.
 */
import { AppError } from '../../lib/errors.ts';

/** The entry's path segments, or throw E_RESTORE naming the entry. */
export function safeEntrySegments(name: string): string[] {
  const trimmed = name.replace(/\/+$/, '');
  const refuse = (why: string): never => {
    throw new AppError('E_RESTORE', `Refusing archive entry ${JSON.stringify(name.slice(0, 200))}: ${why}`, { hint: 'this archive was not written by aibridge or was crafted; nothing was restored' });
  };
  if (trimmed === '') refuse('empty name');
  if (Buffer.byteLength(trimmed) > 4096) refuse('name too long');
  if (trimmed.startsWith('/')) refuse('absolute path');
  if (/[\0\\]/.test(trimmed)) refuse('NUL or backslash in the name');
  const segments = trimmed.split('/');
  for (const s of segments) {
    if (s === '..') refuse('path traversal ("..")');
    if (s === '' || s === '.') refuse('empty or "." path segment');
  }
  return segments;
}
