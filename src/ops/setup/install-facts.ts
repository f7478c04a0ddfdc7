/** @module What setup needs to know about the machine: existing profiles and whether a port is free. */
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_PROFILES } from '../../rbac/sync-default-profiles.ts';

/** The shipped profiles plus every `profiles/<name>.json` already in the install. */
export function availableProfiles(root: string): string[] {
  const names = new Set<string>(DEFAULT_PROFILES);
  const dir = join(root, 'profiles');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)) if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.json$/.test(f)) names.add(f.slice(0, -5));
  }
  return [...names];
}

/** Undefined when `bind:port` can be listened on now, else the reason (in use, not an address of this host, …). */
export function portProblem(bind: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code === 'EADDRINUSE' ? `port ${port} on ${bind} is already in use by another program`
        : err.code === 'EADDRNOTAVAIL' ? `${bind} is not an address of this machine`
          : err.code === 'EACCES' ? `port ${port} needs privileges aibridge should not have; use a port above 1023`
            : `cannot listen on ${bind}:${port}: ${err.code ?? err.message}`);
    });
    s.listen({ host: bind, port, exclusive: true }, () => s.close(() => resolve(undefined)));
  });
}
