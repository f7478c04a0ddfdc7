/**
 * @module Hot reload of profiles/: fs.watch on the folder (debounced), plus a polling rescan as
 * fallback for file systems where watch events are lost (network mounts, some containers).
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import type { Logger } from '../log/logger.ts';
import type { ProfileStore } from './profile-store.ts';

export interface ProfileWatcherOptions { dir: string; store: ProfileStore; logger: Logger; pollMs?: number; debounceMs?: number }

export interface ProfileWatcher { close(): void }

export function watchProfiles(options: ProfileWatcherOptions): ProfileWatcher {
  const { dir, store, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  const rescan = (): void => {
    timer = undefined;
    try { store.scan(); } catch (err) { logger.error('profile_scan_failed', { dir, message: (err as Error).message }); }
  };
  const schedule = (): void => {
    timer ??= setTimeout(rescan, options.debounceMs ?? 150).unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, schedule);
    watcher.on('error', (err) => {
      logger.warning('profile_watch_failed', { dir, message: err.message, fallback: 'polling' });
      watcher?.close();
      watcher = undefined;
    });
  } catch (err) {
    logger.warning('profile_watch_failed', { dir, message: (err as Error).message, fallback: 'polling' });
  }
  const poll = setInterval(rescan, options.pollMs ?? 2_000).unref();
  return {
    close() {
      watcher?.close();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}
