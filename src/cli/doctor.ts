/** @module `aibridge doctor`: the production checklist and a live test of every declared node; exit 1 on any FAIL. */
import type { Command } from './command.ts';
import { flagBool, flagString } from './command.ts';
import { AppError } from '../lib/errors.ts';
import { runDoctor } from '../ops/doctor/run-doctor.ts';
import { doctorTable, summarise } from '../ops/doctor/doctor-result.ts';

export const DOCTOR_COMMAND: Command = {
  name: 'doctor',
  summary: 'Check the install and every declared node (PASS / WARN / FAIL with the fix); changes nothing',
  help: [
    'Usage: aibridge doctor [--dir DIR] [--client NAME] [--json] [--timeout SECONDS]',
    '',
    'Install: .env and secrets/ modes, server certificate (CA-signed or self-signed, expiry), licence,',
    'redirect-URI enforcement, transport security, backups and SFTP host-key pinning, the audit',
    'chain and the clock. Each declared node: DNS/TCP reachability, TLS handshake with the',
    'configured CA bundle or pin and the certificate expiry, the SSH host key against the trusted',
    'one and, with --client, that client\'s stored credentials (AXL getCCMVersion, CUPI GET).',
    'Nothing is changed and no credential is printed. Each network check gives up after',
    '--timeout seconds (default 10); all nodes are checked at once.',
    '',
    'Exit codes: 0 no FAIL (WARNs allowed), 1 at least one FAIL, 2 usage error.',
  ].join('\n'),
  options: { client: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' } },
  async run(ctx) {
    const t = flagString(ctx.values, 'timeout') ?? '10';
    if (!/^\d{1,3}$/.test(t) || Number(t) < 1) throw new AppError('E_USAGE', `--timeout must be whole seconds from 1 to 999: got "${t}"`);
    const client = flagString(ctx.values, 'client');
    const checks = await runDoctor({ root: ctx.dir, timeoutMs: Number(t) * 1000, ...(client !== undefined ? { client } : {}) });
    const s = summarise(checks);
    if (flagBool(ctx.values, 'json')) ctx.out(JSON.stringify({ ok: s.FAIL === 0, summary: { pass: s.PASS, warn: s.WARN, fail: s.FAIL }, checks }, null, 2));
    else for (const line of doctorTable(checks)) ctx.out(line);
    return s.FAIL > 0 ? 1 : 0;
  },
};
