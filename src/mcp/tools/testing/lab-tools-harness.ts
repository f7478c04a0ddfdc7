/**
 * @module Test helper: a running lab, a scratch install whose `.env` points at it, client "alice"
 * holding the lab's admin credential for every node, and the Cisco tools built over it — the
 * set-up the tool tests in src/mcp/tools share.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../../lab/start-lab.ts';
import type { RunningLab } from '../../../lab/start-lab.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { ToolDefinition } from '../../tool-definition.ts';
import { createCiscoServices } from '../cisco-services.ts';
import type { CiscoServices } from '../cisco-services.ts';
import { createCiscoTools } from '../cisco-tools.ts';

export interface LabTools {
  lab: RunningLab;
  services: CiscoServices;
  tools: Map<string, ToolDefinition>;
  close(): Promise<void>;
}

export async function startLabTools(opts: { seed: number; phones: number; faults?: string; prefix: string }): Promise<LabTools> {
  const labDir = mkdtempSync(join(tmpdir(), 'aibridge-lab-'));
  const lab = await startLab({ dir: labDir, seed: opts.seed, phones: opts.phones, ...(opts.faults ? { faults: opts.faults } : {}) });
  const root = mkdtempSync(join(tmpdir(), `aibridge-${opts.prefix}-`));
  writeFileSync(join(root, '.env'), readFileSync(join(labDir, 'lab.env'), 'utf8'), { mode: 0o600 });
  mkdirSync(join(root, 'clients', 'alice', 'secrets'), { recursive: true });
  writeFileSync(join(root, 'clients', 'alice', 'secrets', '.uuid'), randomUUID());
  const services = createCiscoServices(loadConfig(root), { append: () => undefined });
  for (const n of lab.description.nodes) await services.credentials.set('alice', { target: n.name, purpose: 'admin', user: n.username, password: n.password });
  const tools = new Map(createCiscoTools(services).map((t) => [t.name, t]));
  return { lab, services, tools, async close() { services.close(); await lab.close(); } };
}
