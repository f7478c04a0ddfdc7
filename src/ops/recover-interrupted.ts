/**
 * @module Start-up step 4, before the integrity check: finish an operation a crash interrupted
 * (restore --replace, upgrade, key rotation), so the install is whole again before it is checked.
 */
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import { recoverInterruptedRestore } from './restore/replace-live.ts';
import { recoverInterruptedRotation } from './rotate/run-rotate.ts';
import { UPGRADE_CANDIDATES, recoverInterruptedUpgrade } from './upgrade/apply-upgrade.ts';

export function recoverInterruptedOperations(config: Config, logger: Logger): void {
  const root = config.paths.root;
  const restored = recoverInterruptedRestore(root);
  if (restored) logger.warning('restore_recovered', { message: 'finished an interrupted restore --replace', previous: restored.previous });
  const upgraded = recoverInterruptedUpgrade(root, UPGRADE_CANDIDATES);
  if (upgraded) logger.warning('upgrade_recovered', { message: upgraded });
  const rotated = recoverInterruptedRotation(config);
  if (rotated) logger.warning('rotation_recovered', { message: rotated });
}
