/**
 * @module `aibridge changes list|show|approve|reject`: change control on the appliance. Works while
 * `aibridge serve` runs (the change files are shared under per-change locks); every decision is
 * audited (CHANGE) with the operator's OS user as the approver.
 */
import { userInfo } from 'node:os';
import type { Command, CommandContext } from './command.ts';
import { flagBool, flagString } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import { AppError } from '../lib/errors.ts';
import { openAuditLog } from '../audit/open-logs.ts';
import { ChangeStore } from '../changes/change-store.ts';
import { decideChange } from '../changes/decide-change.ts';
import { approvalText } from '../changes/change-text.ts';
import { CHANGE_STATUSES } from '../changes/change-record.ts';

/** The person at the terminal: the login behind sudo when there is one. */
export function osUser(): string {
  let name: string;
  try { name = userInfo().username; } catch { name = `uid ${process.getuid?.() ?? '?'}`; }
  const sudo = process.env.SUDO_USER;
  return sudo && sudo !== name ? `${sudo} (as ${name})` : name;
}

function oneId(ctx: CommandContext, verb: string): string {
  const id = ctx.positionals[0];
  if (!id || ctx.positionals.length > 1) throw new AppError('E_USAGE', 'Give exactly one change id', { hint: `aibridge changes ${verb} ID (see aibridge changes list)` });
  return id;
}

const LIST: Command = {
  name: 'changes list', summary: 'List change plans (pending first) of every client',
  help: ['Usage: aibridge changes list [--status STATUS] [--all] [--dir DIR]', '', 'Shows pending and approved changes; --all shows every state.',
    `--status keeps one state: ${CHANGE_STATUSES.join(', ')}.`].join('\n'),
  options: { status: { type: 'string' }, all: { type: 'boolean' } },
  async run(ctx) {
    const config = loadConfig(ctx.dir);
    const status = flagString(ctx.values, 'status');
    if (status && !(CHANGE_STATUSES as readonly string[]).includes(status)) throw new AppError('E_USAGE', `--status "${status}" is unknown`, { hint: `use one of ${CHANGE_STATUSES.join(', ')}` });
    const all = flagBool(ctx.values, 'all');
    const rows = new ChangeStore(config.paths.clientsDir).list()
      .filter((r) => (status ? r.status === status : all || r.status === 'pending_approval' || r.status === 'approved'));
    if (rows.length === 0) { ctx.out('No changes.'); return 0; }
    for (const r of rows) ctx.out(`${r.id}  ${r.status.padEnd(16)} ${r.client.padEnd(12)} ${(r.operation ?? r.tool).slice(0, 40).padEnd(24)} ${r.node ?? '-'}  ${r.object.slice(0, 80)}  expires ${r.expires_at}`);
    return 0;
  },
};

const SHOW: Command = {
  name: 'changes show', summary: 'Show one change: what it does, field by field', allowPositionals: true,
  help: 'Usage: aibridge changes show ID [--json] [--dir DIR]', options: { json: { type: 'boolean' } },
  async run(ctx) {
    const config = loadConfig(ctx.dir);
    const rec = new ChangeStore(config.paths.clientsDir).get(oneId(ctx, 'show'));
    if (flagBool(ctx.values, 'json')) { const { probe: _p, ...shown } = rec; ctx.out(JSON.stringify(shown, null, 2)); return 0; }
    ctx.out(`Status: ${rec.status}${rec.reason ? ` (${rec.reason})` : ''}`);
    for (const line of approvalText(rec).split('\n')) ctx.out(line);
    if (rec.approved_by) ctx.out(`Approved by ${rec.approved_by.via} ${JSON.stringify(rec.approved_by.who)} at ${rec.approved_by.at}`);
    if (rec.rejected_by) ctx.out(`Rejected by ${rec.rejected_by.via} ${JSON.stringify(rec.rejected_by.who)} at ${rec.rejected_by.at}`);
    return 0;
  },
};

function decision(verb: 'approve' | 'reject'): Command {
  return {
    name: `changes ${verb}`, allowPositionals: true,
    summary: verb === 'approve' ? 'Approve a pending change (the requesting client then applies it)' : 'Reject a pending or approved change',
    help: [`Usage: aibridge changes ${verb} ID [--reason TEXT] [--dir DIR]`, '',
      verb === 'approve' ? 'The approval is single-use and expires after CHANGE_APPROVAL_TTL_SECONDS; the requesting client applies it with aibridge_change_apply.' : 'A rejected change can never be applied.',
      'Recorded in the audit log (CHANGE) with your OS user name. Works while aibridge serve runs.'].join('\n'),
    options: { reason: { type: 'string' } },
    async run(ctx) {
      const id = oneId(ctx, verb);
      const config = loadConfig(ctx.dir);
      const store = new ChangeStore(config.paths.clientsDir);
      const audit = openAuditLog(config);
      try {
        const by = { via: 'appliance' as const, who: osUser(), at: new Date().toISOString() };
        const rec = decideChange({ store, audit, ttlMs: config.env.CHANGE_APPROVAL_TTL_SECONDS * 1000, now: Date.now() }, id, verb, by, flagString(ctx.values, 'reason'));
        ctx.out(verb === 'approve' ? `changes approve: ${rec.id} approved by ${by.who}; client "${rec.client}" may apply it until ${rec.expires_at}` : `changes reject: ${rec.id} rejected by ${by.who}`);
      } finally {
        audit.close();
      }
      return 0;
    },
  };
}

export const CHANGES_COMMANDS: readonly Command[] = [LIST, SHOW, decision('approve'), decision('reject')];
