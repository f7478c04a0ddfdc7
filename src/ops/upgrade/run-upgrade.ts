/**
 * @module The `aibridge upgrade` flow: verify the package signature (release key embedded in this
 * binary), validate its manifest, refuse downgrades, report (--dry-run stops here), then with the
 * server stopped: pre-upgrade encrypted backup (unless --no-backup), apply files, merge .env, audit.
 */
import { basename } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { loadConfig } from '../../config/load-config.ts';
import { AppError, errorMessage } from '../../lib/errors.ts';
import { VERSION } from '../../lib/version.ts';
import { runningServerPid } from '../../lib/pid-file.ts';
import { withOpsLock } from '../common/ops-lock.ts';
import { openOpsAudit } from '../common/ops-audit.ts';
import { createBackup } from '../backup/create-backup.ts';
import { applyLocalRetention } from '../backup/local-retention.ts';
import { regularFileArg } from '../restore/input-file.ts';
import { cleanStaleStaging, createStaging, removeStaging } from '../restore/staging.ts';
import { journalStaging } from '../restore/replace-live.ts';
import { openUpgradePackage } from './read-package.ts';
import { compareVersions } from './compare-versions.ts';
import { planUpgrade, describePlan, type UpgradePlan } from './plan-upgrade.ts';
import { UPGRADE_CANDIDATES, applyUpgrade, recoverInterruptedUpgrade } from './apply-upgrade.ts';

export interface UpgradeRequest { file: string; cwd: string; dryRun: boolean; backup: boolean; currentVersion?: string; releaseKey?: KeyObject }
export interface UpgradeOutcome { plan: UpgradePlan; report: string[]; applied: boolean; backupFile?: string }

export async function runUpgrade(root: string, req: UpgradeRequest, say: (line: string) => void): Promise<UpgradeOutcome> {
  return withOpsLock(root, 'upgrade', async () => {
    const recovered = recoverInterruptedUpgrade(root, UPGRADE_CANDIDATES);
    if (recovered) say(`upgrade: ${recovered}`);
    cleanStaleStaging(root, journalStaging(root));
    const file = regularFileArg('--file', req.file, req.cwd);
    const current = req.currentVersion ?? VERSION;
    const staging = createStaging(root);
    const config = loadConfig(root);
    const audit = openOpsAudit(config);
    try {
      const pkg = await openUpgradePackage(file, staging, req.releaseKey);
      const cmp = compareVersions(pkg.manifest.version, current);
      if (cmp <= 0) {
        throw new AppError('E_UPGRADE', cmp === 0 ? `Version ${current} is already installed` : `Downgrade refused: the package holds ${pkg.manifest.version}, older than the installed ${current}`, { hint: 'use a package newer than the installed version; to go back, restore the pre-upgrade backup' });
      }
      const plan = await planUpgrade(root, pkg, current);
      const report = describePlan(plan);
      if (req.dryRun) return { plan, report, applied: false };
      const pid = runningServerPid(root);
      if (pid) throw new AppError('E_RUNNING', `Cannot upgrade while the server runs (pid ${pid})`, { hint: 'stop it first, upgrade, then start it again' });
      let backupFile: string | undefined;
      if (req.backup) {
        const b = await createBackup(config);
        audit.append('SERVER', 'backup_created', { trigger: 'pre-upgrade', file: basename(b.file), bytes: b.bytes, sha512: b.sha512 });
        applyLocalRetention(config.paths.backupsDir, Math.max(config.env.BACKUP_RETENTION, 1));
        backupFile = b.file;
        say(`upgrade: pre-upgrade backup ${b.file}`);
      }
      applyUpgrade(root, plan, pkg.payloadDir);
      audit.append('SERVER', 'upgrade_applied', { from: current, to: plan.to, files: plan.files.filter((f) => f.action !== 'unchanged').map((f) => f.path), env_added: plan.env.added, backup: backupFile ? basename(backupFile) : null });
      return { plan, report, applied: true, ...(backupFile ? { backupFile } : {}) };
    } catch (err) {
      try { audit.append('SERVER', 'upgrade_refused', { file: basename(req.file), reason: errorMessage(err) }); } catch { /* reported anyway */ }
      throw err;
    } finally {
      audit.close();
      removeStaging(staging);
    }
  });
}
