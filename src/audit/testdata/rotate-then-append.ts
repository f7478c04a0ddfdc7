// Test helper: append until the audit log rotates (audit.log gone), then append once more.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../audit-log.ts';

const [dir, checkpointPath] = process.argv.slice(2) as [string, string];
const log = AuditLog.open({ dir, rotateSize: 3_000, rotateFiles: 1, checkpointPath });
while (!existsSync(join(dir, 'audit.log.1.gz'))) log.append('ACTIONS', 'tool_call', { pad: 'p'.repeat(200) });
log.append('ACTIONS', 'after_rotation');
log.close();
