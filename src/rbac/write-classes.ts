/**
 * @module Which calls only read. Used for per-profile tool annotations (a profile that can only
 * read gets a read-only tool) and, through the pipeline, for the `write` flag every decision
 * carries (change control classifies writes from it). Rule: a call is a read only when it is
 * plainly one of the read forms below; anything else — including what we do not recognise — is a
 * write (fail closed).
 */
import type { Protocol, ToolTarget } from './tool-target.ts';
import type { Profile, ProfileProduct } from './profile-schema.ts';
import { matchSsh } from './match-rules.ts';
import { sectionOf } from './decide.ts';

/**
 * AXL verbs that change the configuration (change control holds them; listed for documentation
 * and tests — any verb that is not a read below is a write anyway, so a verb Cisco adds later is
 * held too). executeSQLUpdate is a write; executeSQLQuery and executeSQLQueryInactive are reads.
 */
export const AXL_WRITE_VERBS = ['add', 'update', 'remove', 'apply', 'reset', 'restart', 'do', 'lock', 'wipe', 'assign', 'unassign'] as const;

/** AXL reads: get*, list* (the AXL naming convention) and the SQL queries. */
export function isAxlRead(operation: string): boolean {
  return /^(get|list)[A-Z]/.test(operation) || operation === 'executeSQLQuery' || operation === 'executeSQLQueryInactive';
}

/** An allowed AXL prefix whose every operation is a read ("get", "list", "listPh"…). */
function isAxlReadPrefix(prefix: string): boolean {
  return /^(get|list)/.test(prefix);
}

/** Admin CLI commands (by leading words) that only show state. */
export const READ_CLI_PREFIXES: readonly string[] = [
  'show', 'help', 'utils auditd status', 'utils core active list', 'utils dbreplication runtimestate', 'utils dbreplication status',
  'utils diagnose list', 'utils diagnose test', 'utils ntp status', 'utils service list', 'utils network ping', 'utils network traceroute',
  'utils system upgrade status', 'utils disaster_recovery status', 'utils fior status',
  'file list', 'file view', 'file search', 'file tail', 'file dump',
];

export function isCliRead(command: string): boolean {
  return matchSsh(command, READ_CLI_PREFIXES) !== undefined;
}

export function isCupiRead(request: string): boolean {
  return request.startsWith('GET ');
}

/** Whether one call on `protocol` with `target` writes (per-target tools only). */
export function isWriteTarget(protocol: Protocol, target: ToolTarget): boolean {
  switch (protocol) {
    case 'axl': return target.axlOperation === undefined || !isAxlRead(target.axlOperation);
    case 'ssh': return target.sshCommand === undefined || !isCliRead(target.sshCommand);
    case 'cupi': return target.cupiRequest === undefined || !isCupiRead(target.cupiRequest);
    default: return false;
  }
}

/** Whether `profile` allows any write through `protocol` on `product` (for listing annotations). */
export function profileMayWrite(profile: Profile, product: ProfileProduct, protocol: Protocol): boolean {
  const section = sectionOf(profile, product, protocol) as { allowed_prefixes?: string[]; allowed_exact?: string[] } | undefined;
  if (!section) return false;
  const prefixes = section.allowed_prefixes ?? [];
  switch (protocol) {
    case 'axl': return prefixes.some((p) => !isAxlReadPrefix(p)) || (section.allowed_exact ?? []).some((op) => !isAxlRead(op));
    case 'ssh': return prefixes.some((p) => !isCliRead(p));
    case 'cupi': return prefixes.some((p) => !isCupiRead(p));
    default: return false;
  }
}
