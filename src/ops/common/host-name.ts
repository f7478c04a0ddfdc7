/** @module The host name as it may appear in a file name: letters, digits, dot and hyphen only. */
import { hostname } from 'node:os';

export function safeHostName(name: string = hostname()): string {
  const s = name.replace(/[^A-Za-z0-9.-]/g, '-').replace(/^[.-]+/, '').slice(0, 63);
  return s || 'host';
}
