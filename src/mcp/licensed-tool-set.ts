/**
 * @module The licence decides which tools exist (start-up step 9, and at run time): a ToolSet gate
 * hides the tools of unlicensed products and features (EXPIRED and INVALID leave only the
 * introspection tools), a decide-step policy refuses a call whose target addresses an unlicensed
 * product, and every watchdog change (VALID → GRACE → EXPIRED while running, a new licence
 * installed) calls `ToolSet.changed()`, so open sessions get notifications/tools/list_changed and
 * their next tools/list shows the new set, without a restart.
 */
import type { Logger } from '../log/logger.ts';
import type { LicenseGate } from '../license/license-gate.ts';
import { licensePolicy, licenseToolGate } from '../license/license-tools.ts';
import type { ToolSet } from './pipeline/tool-set.ts';
import type { ToolPipeline } from './pipeline/tool-pipeline.ts';

export function applyLicense(license: LicenseGate, tools: ToolSet, pipeline: ToolPipeline, logger: Logger): void {
  tools.addGate(licenseToolGate(license));
  pipeline.addPolicy(licensePolicy(license));
  license.onChange((next, previous) => {
    logger.info('tool_set_changed', { reason: 'license', from: previous.state, to: next.state, tools: tools.all().length });
    tools.changed();
  });
}
