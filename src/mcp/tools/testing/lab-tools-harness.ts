/**
 * @module Test helper: a running lab, a scratch install whose `.env` points at it, client "alice"
 * holding the lab's admin credential for every node, and the Cisco tools built over it — the
 * set-up the tool tests in src/mcp/tools share. A test that needs more than one install over the
 * same lab starts the lab with `startLabWithEnv` and makes each install with `installOverLab`.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startLab } from '../../../lab/start-lab.ts';
import type { RunningLab, StartLabOptions } from '../../../lab/start-lab.ts';
import { loadConfig } from '../../../config/load-config.ts';
import type { Config } from '../../../config/load-config.ts';
import type { ToolContext, ToolDefinition } from '../../tool-definition.ts';
import { createCiscoServices } from '../cisco-services.ts';
import type { CiscoServices } from '../cisco-services.ts';
import { createCiscoTools } from '../cisco-tools.ts';

export interface LabWithEnv {
  lab: RunningLab;
  /** The lab's own lab.env, as `aibridge lab` wrote it. */
  env: string;
}

export interface InstallOptions {
  /** Names the install's scratch folder, aibridge-PREFIX-XXXXXX. */
  prefix: string;
  /** Rewrites lab.env before it becomes the install's .env (may start things the new env points at). */
  editEnv?: (env: string, lab: RunningLab) => string | Promise<string>;
  /** Appended to the .env after editEnv. */
  extraEnv?: string;
  /** Also store the lab's phone web credential for alice (target lab-cucm, purpose phone). */
  phoneCredential?: boolean;
  /** Runs on the install folder before the services are built (e.g. to enrol host keys). */
  prepare?: (root: string, lab: RunningLab) => void;
}

export interface LabInstall {
  root: string;
  config: Config;
  services: CiscoServices;
  tools: Map<string, ToolDefinition>;
  /** What the services audited, as `category:event`. */
  events: string[];
  /** Closes the services (not the lab). */
  close(): void;
}

export interface LabTools extends LabInstall {
  lab: RunningLab;
  /** Closes the services, then the lab. */
  close(): Promise<void>;
}

export async function startLabWithEnv(opts: Omit<StartLabOptions, 'dir'>): Promise<LabWithEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-lab-'));
  const lab = await startLab({ dir, ...opts });
  return { lab, env: readFileSync(join(dir, 'lab.env'), 'utf8') };
}

export async function installOverLab(lab: RunningLab, labEnv: string, opts: InstallOptions): Promise<LabInstall> {
  const root = mkdtempSync(join(tmpdir(), `aibridge-${opts.prefix}-`));
  const env = opts.editEnv ? await opts.editEnv(labEnv, lab) : labEnv;
  writeFileSync(join(root, '.env'), `${env}${opts.extraEnv ?? ''}`, { mode: 0o600 });
  mkdirSync(join(root, 'clients', 'alice', 'secrets'), { recursive: true });
  writeFileSync(join(root, 'clients', 'alice', 'secrets', '.uuid'), randomUUID());
  opts.prepare?.(root, lab);
  const config = loadConfig(root);
  const events: string[] = [];
  const services = createCiscoServices(config, { append: (c: string, e: string) => events.push(`${c}:${e}`) });
  const d = lab.description;
  for (const n of d.nodes) await services.credentials.set('alice', { target: n.name, purpose: 'admin', user: n.username, password: n.password });
  if (opts.phoneCredential) await services.credentials.set('alice', { target: 'lab-cucm', purpose: 'phone', user: d.phone_user, password: d.phone_password });
  const tools = new Map(createCiscoTools(services).map((t) => [t.name, t]));
  return { root, config, services, tools, events, close() { services.close(); } };
}

export async function startLabTools(opts: Omit<StartLabOptions, 'dir'> & InstallOptions): Promise<LabTools> {
  const { prefix: _p, editEnv: _e, extraEnv: _x, phoneCredential: _c, prepare: _r, ...labOpts } = opts;
  const { lab, env } = await startLabWithEnv(labOpts);
  const install = await installOverLab(lab, env, opts);
  return { ...install, lab, async close() { install.close(); await lab.close(); } };
}

/** What a handler gets for client alice (profile admin, JWT); `progress` sees the notifications. */
export function aliceContext(progress: ToolContext['progress'] = async () => undefined): ToolContext {
  return { principal: { clientName: 'alice', subject: 's', profile: 'admin', authMethod: 'jwt', tokenId: 'j', expiresAt: 0 }, signal: new AbortController().signal, progress };
}

/** A call as the pipeline makes it, without RBAC and audit: input parsed by the tool's schema, its target named, then the handler. */
export async function runTool(t: ToolDefinition, args: Record<string, unknown>, ctx: ToolContext): Promise<CallToolResult> {
  const parsed = z.object(t.inputSchema).parse(args);
  t.target(parsed);
  return t.handler(parsed, ctx);
}
