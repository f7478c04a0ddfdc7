/** @module `aibridge license show` and `aibridge license install FILE`. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, CommandContext } from './command.ts';
import { flagBool } from './command.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/load-config.ts';
import { AppError } from '../lib/errors.ts';
import { embeddedTrustAnchor } from '../license/trust-anchor.ts';
import { ensureInstallId } from '../license/install-id.ts';
import { checkInstalledLicense, countClients } from '../license/check-license.ts';
import type { LicenseCheckInputs } from '../license/check-license.ts';
import { installLicense } from '../license/install-license.ts';
import { licenseLines, licenseReport } from '../license/license-report.ts';
import { openOpsAudit } from '../ops/common/ops-audit.ts';

function inputsOf(config: Config): LicenseCheckInputs {
  return {
    secretsDir: config.paths.secretsDir, anchor: embeddedTrustAnchor(),
    installId: ensureInstallId(config.paths.secretsDir), clientCount: countClients(config.env.AUTH_CLIENTS),
  };
}

export const LICENSE_SHOW_COMMAND: Command = {
  name: 'license show',
  summary: 'Show the licence: state, customer, tier, products, expiry, days left, install id',
  help: [
    'Usage: aibridge license show [--dir DIR] [--json]',
    '',
    'Verifies secrets/license.jwt as `aibridge serve` does (release key built into this binary,',
    'install id, number of clients in AUTH_CLIENTS, current time) and prints its state: VALID, GRACE',
    '(expired, within its grace period: everything still works), EXPIRED or INVALID (no product',
    'tools load), with what to do. The install id is what a licence bound to this install names.',
    'Exit 0 for VALID, 1 for GRACE, EXPIRED and INVALID.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  async run(ctx: CommandContext) {
    const config = loadConfig(ctx.dir);
    const inputs = inputsOf(config);
    const check = await checkInstalledLicense(inputs, Date.now());
    const report = licenseReport(check.status, inputs.anchor.kind);
    if (flagBool(ctx.values, 'json')) ctx.out(JSON.stringify({ ...report, install_id: inputs.installId, warnings: check.warnings }, null, 2));
    else {
      for (const line of licenseLines(report, inputs.installId)) ctx.out(line);
      for (const w of check.warnings) ctx.err(`warning: ${w}`);
    }
    return check.status.state === 'VALID' ? 0 : 1;
  },
};

export const LICENSE_INSTALL_COMMAND: Command = {
  name: 'license install',
  summary: 'Verify a licence file and install it as secrets/license.jwt (mode 600)',
  help: [
    'Usage: aibridge license install FILE [--dir DIR]',
    '',
    'Verifies FILE first (signature by the release key built into this binary, algorithm, dates,',
    'install id, client count) and refuses anything that is not VALID or GRACE, installing nothing.',
    'Then writes secrets/license.jwt atomically with mode 600. A running server picks the new',
    'licence up within a minute (the tool set changes without a restart).',
  ].join('\n'),
  options: {},
  allowPositionals: true,
  async run(ctx: CommandContext) {
    const [file, ...more] = ctx.positionals;
    if (!file || more.length) throw new AppError('E_USAGE', 'give exactly one licence file', { hint: 'aibridge license install FILE' });
    const config = loadConfig(ctx.dir);
    const inputs = inputsOf(config);
    const status = await installLicense(file, inputs, Date.now());
    const report = licenseReport(status, inputs.anchor.kind);
    if (existsSync(join(config.paths.root, '.env'))) {
      const audit = openOpsAudit(config);
      try {
        audit.append('SERVER', 'license_installed', { state: report.state, customer: report.customer, tier: report.tier, products: report.products, expires_at: report.expires_at, license_id: report.license_id });
      } finally { audit.close(); }
    }
    ctx.out(`license: installed secrets/license.jwt: ${report.state}, ${report.customer}, ${report.tier} (${report.products.join(', ')}), expires ${report.expires_at}`);
    if (status.state === 'GRACE') ctx.err(`warning: ${status.reason}`);
    return 0;
  },
};

export const LICENSE_COMMANDS: readonly Command[] = [LICENSE_SHOW_COMMAND, LICENSE_INSTALL_COMMAND];
