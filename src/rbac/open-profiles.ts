/**
 * @module Start-up step 3: sync the shipped profiles into profiles/, load and validate every
 * profile, and watch the folder for changes (hot reload) until the handle is closed.
 */
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { syncDefaultProfiles } from './sync-default-profiles.ts';
import { ProfileStore } from './profile-store.ts';
import { watchProfiles } from './profile-watcher.ts';

/** The profiles in force; `close()` stops the hot reload. */
export interface ProfilesHandle {
  store: ProfileStore;
  close(): void;
}

export function openProfiles(o: { config: Config; logger: Logger; audit: Pick<AuditLog, 'appendMany'> }): ProfilesHandle {
  const dir = o.config.paths.profilesDir;
  const report = syncDefaultProfiles(dir);
  const store = new ProfileStore({ dir, strict: o.config.env.PROFILE_SCHEMA_STRICT, logger: o.logger, audit: (records) => { o.audit.appendMany('SERVER', records); } });
  store.scan();
  o.logger.info('profiles_synchronised', { dir, written: report.written, unchanged: report.unchanged, loaded: store.names(), invalid: Object.keys(store.invalid()) });
  const watcher = watchProfiles({ dir, store, logger: o.logger });
  return { store, close: () => watcher.close() };
}
