/**
 * @module `aibridge fail2ban list` and `aibridge fail2ban unblock IP` (issue #12 item 19): read and
 * edit the block list through the shared state: locally the persisted secrets/blocked-ips.json,
 * shared with a running `aibridge serve` under its lock and re-read on change; with
 * STATE_BACKEND=valkey the store every instance reads. Either way an unblock takes effect at once.
 * Every unblock is an AUTH audit record naming the operator's OS user.
 */
import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import type { Command } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { AppError } from '../lib/errors.ts';
import { openOpsAudit } from '../ops/common/ops-audit.ts';
import { createNullLogger } from '../log/logger.ts';
import { openSharedState } from '../state/open-shared-state.ts';
import type { ExpiringSetState, SharedState } from '../state/shared-state.ts';

async function withBlocks<T>(dir: string, fn: (blocks: ExpiringSetState, config: ReturnType<typeof loadConfig>) => Promise<T>): Promise<T> {
  const config = loadConfig(dir);
  const state: SharedState = await openSharedState({ config, logger: createNullLogger() });
  try { return await fn(state.blocks, config); } finally { await state.close(); }
}

export const FAIL2BAN_LIST_COMMAND: Command = {
  name: 'fail2ban list',
  summary: 'List source addresses blocked by Fail2Ban, with when each block ends',
  help: 'Usage: aibridge fail2ban list [--dir DIR]\n\nWorks while "aibridge serve" runs.',
  options: {},
  async run(ctx) {
    const now = Math.floor(Date.now() / 1000);
    const rows = (await withBlocks(ctx.dir, (b) => b.entries())).sort((a, b) => a[1] - b[1]);
    if (rows.length === 0) { ctx.out('fail2ban: no address is blocked'); return 0; }
    for (const [ip, until] of rows) ctx.out(`${ip}  blocked until ${new Date(until * 1000).toISOString()} (${until - now} s left)`);
    return 0;
  },
};

export const FAIL2BAN_UNBLOCK_COMMAND: Command = {
  name: 'fail2ban unblock',
  summary: 'Lift the Fail2Ban block of one source address (audited)',
  help: 'Usage: aibridge fail2ban unblock IP [--dir DIR]\n\nTakes effect at once, also while "aibridge serve" runs; recorded in the audit log (AUTH).',
  options: {},
  allowPositionals: true,
  async run(ctx) {
    const ip = ctx.positionals[0];
    if (!ip || ctx.positionals.length > 1) throw new AppError('E_USAGE', 'Give exactly one address', { hint: 'aibridge fail2ban unblock 192.0.2.10 (see aibridge fail2ban list)' });
    return withBlocks(ctx.dir, async (file, config) => {
      const listed = (await file.entries()).map(([k]) => k);
      if (!listed.includes(ip)) {
        if (isIP(ip) === 0 && !/^[0-9a-fA-F:]+\/\d{1,3}$/.test(ip)) throw new AppError('E_USAGE', `"${ip.slice(0, 60)}" is not an IP address`, { hint: 'aibridge fail2ban list shows the blocked addresses' });
        throw new AppError('E_NOT_FOUND', `${ip} is not blocked`, { hint: listed.length ? `blocked now: ${listed.slice(0, 10).join(', ')}` : 'no address is blocked' });
      }
      const until = await file.get(ip);
      const audit = openOpsAudit(config);
      try {
        audit.append('AUTH', 'ip_unblocked_by_operator', { source_ip: ip, was_blocked_until: until ? new Date(until * 1000).toISOString() : null, os_user: userInfo().username });
      } finally { audit.close(); }
      await file.delete(ip);
      ctx.out(`fail2ban: ${ip} unblocked (audited)`);
      return 0;
    });
  },
};
