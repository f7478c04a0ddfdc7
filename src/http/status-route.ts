/**
 * @module GET /status (Bearer): version, uptime, license and backup state, blacklisted IP count,
 * product modules, clients, sessions, profiles and audit-log health, as JSON.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';

/** What /status reports; each getter is read at request time. */
export interface StatusSource {
  name: string;
  version: string;
  startedAt: Date;
  /** Free-form facts other plugins publish (auth, license, backup, watchdogs, modules…). */
  facts: () => Record<string, unknown>;
  sections: () => Record<string, unknown>;
}

export function mountStatusRoute(app: Hono<AppEnv>, auth: MiddlewareHandler<AppEnv>, src: StatusSource): void {
  app.get('/status', auth, (c) => {
    const facts = src.facts();
    const uptime = Math.round((Date.now() - src.startedAt.getTime()) / 1000);
    c.header('Cache-Control', 'no-store');
    return c.json({
      server: src.name,
      version: src.version,
      started_at: src.startedAt.toISOString(),
      uptime_s: uptime,
      license: facts.license ?? { state: 'INVALID', reason: 'the licence was not checked' },
      backup: facts.backup ?? { last_backup_at: null, last_backup_file: null, note: 'no backup has run since start-up' },
      ...Object.fromEntries(Object.entries(facts).filter(([k]) => k !== 'license' && k !== 'backup')),
      ...src.sections(),
    });
  });
}
