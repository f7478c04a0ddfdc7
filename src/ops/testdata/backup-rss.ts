/** Child process for the memory test: back up the install given as argv[2], print peak RSS (bytes). */
import { loadConfig } from '../../config/load-config.ts';
import { createBackup } from '../backup/create-backup.ts';
import { restoreToFolder } from '../restore/restore-backup.ts';

async function main(): Promise<void> {
  const dir = process.argv[2] as string;
  const b = await createBackup(loadConfig(dir));
  const afterBackup = process.resourceUsage().maxRSS * 1024;
  await restoreToFolder(loadConfig(dir), { file: b.file, cwd: dir });
  process.stdout.write(`${JSON.stringify({ backupRss: afterBackup, totalRss: process.resourceUsage().maxRSS * 1024, bytes: b.bytes })}\n`);
}
main().catch((err: unknown) => { process.stderr.write(`${(err as Error).message}\n`); process.exitCode = 1; });
