/**
 * @module Start-up step 3: sync the shipped profiles into profiles/, load and validate every
 * profile, and watch the folder for changes (hot reload) until shutdown.
 */
import type { ServerPlugin, ServerRuntime } from '../server/server-runtime.ts';
import { syncDefaultProfiles } from './sync-default-profiles.ts';
import { ProfileStore } from './profile-store.ts';
import { watchProfiles } from './profile-watcher.ts';

export const PROFILES_PLUGIN: ServerPlugin = {
  name: 'profiles',
  step: 'profiles',
  run(runtime: ServerRuntime) {
    const dir = runtime.config.paths.profilesDir;
    const { logger } = runtime;
    const report = syncDefaultProfiles(dir);
    const store = new ProfileStore({ dir, strict: runtime.config.env.PROFILE_SCHEMA_STRICT, logger, audit: (event, fields) => runtime.audit.append('SERVER', event, fields) });
    store.scan();
    logger.info('profiles_synchronised', { dir, written: report.written, unchanged: report.unchanged, loaded: store.names(), invalid: Object.keys(store.invalid()) });
    const watcher = watchProfiles({ dir, store, logger });
    runtime.onShutdown.push(() => watcher.close());
    runtime.profiles = store;
    Object.defineProperty(runtime.status, 'profiles', { enumerable: true, configurable: true, get: () => ({ loaded: store.names(), invalid: store.invalid() }) });
  },
};
