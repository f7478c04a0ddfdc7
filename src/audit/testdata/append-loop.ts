// Test helper: append N audit records from a separate process (concurrency and kill -9 tests).
import { AuditLog } from '../audit-log.ts';

const [dir, checkpointPath, count, tag] = process.argv.slice(2) as [string, string, string, string];
const log = AuditLog.open({ dir, rotateSize: 1e12, rotateFiles: 3, checkpointPath });
const pad = tag === 'big' ? 'x'.repeat(200_000) : '';
for (let i = 0; i < Number(count); i++) log.append('ACTIONS', 'tool_call', { writer: tag, i, pad });
log.close();
