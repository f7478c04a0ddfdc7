/**
 * @module The `aibridge restore` flow: finish an interrupted --replace first, then verify, extract
 * to restore_<id>/, or replace the live install (typed confirmation, server stopped with SIGTERM
 * only after the backup authenticated), and audit the outcome. Holds the operations lock.
 */
import type { Config } from '../../config/load-config.ts';
import { loadConfig } from '../../config/load-config.ts';
import { AppError, errorMessage } from '../../lib/errors.ts';
import { runningServerPid } from '../../lib/pid-file.ts';
import { withOpsLock } from '../common/ops-lock.ts';
import { openOpsAudit } from '../common/ops-audit.ts';
import { readBackupHeader } from './open-backup.ts';
import { regularFileArg } from './input-file.ts';
import { recoverInterruptedRestore } from './replace-live.ts';
import { restoreReplace, restoreToFolder, type RestoreRequest, type RestoreResult } from './restore-backup.ts';
import { verifyBackup } from './verify-backup.ts';
import { stopServer } from './stop-server.ts';

export type RestoreMode = 'folder' | 'replace' | 'verify';

export interface RestoreFlow { mode: RestoreMode; confirm: (question: string) => Promise<boolean>; say: (line: string) => void }

function audited(config: Config, event: string, fields: Record<string, unknown>): void {
  const audit = openOpsAudit(config);
  try { audit.append('SERVER', event, fields); } finally { audit.close(); }
}

export async function runRestore(root: string, req: RestoreRequest, flow: RestoreFlow): Promise<RestoreResult> {
  return withOpsLock(root, 'restore', async () => {
    const recovered = recoverInterruptedRestore(root);
    if (recovered) flow.say(`restore: finished an interrupted restore --replace (previous state in ${recovered.previous})`);
    const config = loadConfig(root);
    const fields = { file: req.file, mode: flow.mode, key: req.keyPath ?? 'server key' };
    try {
      if (flow.mode === 'verify') return await verifyBackup(config, req);
      if (flow.mode === 'folder') {
        const r = await restoreToFolder(config, req);
        audited(config, 'backup_restored', { ...fields, id: r.meta.id, target: r.target });
        return r;
      }
      const { header } = await readBackupHeader(regularFileArg('--file', req.file, req.cwd));
      const pid = runningServerPid(root);
      const ok = await flow.confirm(`This replaces .env, secrets, clients and profiles of ${root} with backup ${header.meta.id} made ${header.meta.created} (an older state is a rollback)${pid ? `; the running server (pid ${pid}) will be stopped` : ''}.`);
      if (!ok) throw new AppError('E_USAGE', 'Restore cancelled: confirmation was not "yes"', { hint: 'nothing was changed' });
      const r = await restoreReplace(config, req, async () => { if (pid) { flow.say(`restore: stopping the server (pid ${pid})`); await stopServer(pid, 30_000, root); } });
      audited(loadConfig(root), 'backup_restored', { ...fields, id: r.meta.id, created: r.meta.created, replaced: r.replaced, refused: r.refused ?? [], previous: r.previous, server_stopped: pid ?? null });
      return r;
    } catch (err) {
      try { audited(config, 'backup_restore_failed', { ...fields, reason: errorMessage(err) }); } catch { /* the failure is reported anyway */ }
      throw err;
    }
  });
}
