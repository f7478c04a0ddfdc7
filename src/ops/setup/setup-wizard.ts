/**
 * @module The interactive setup wizard on a TTY (prompts by @clack/prompts): asks the questions of
 * the answers file, re-asking a wrong answer with the reason (the same checkers as --answers).
 * Returns the answers; Ctrl-C returns undefined and nothing is written.
 */
import { existsSync } from 'node:fs';
import { resolveInstallPath } from '../../config/load-config.ts';
import { AUTH_MODES, PRODUCTS, checkBind, checkClientName, checkFqdn, checkNodeHost, checkNodeName, checkPort, checkProfile, parseAnswers } from './setup-answers.ts';
import type { ClientAnswer, NodeAnswer, SetupAnswers, SetupAuthMode } from './setup-answers.ts';
import { portProblem } from './install-facts.ts';

type Prompts = typeof import('@clack/prompts');

class Cancelled extends Error {}

export interface WizardOptions { root: string; profiles: readonly string[] }

function ask<T>(p: Prompts, value: T): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}

function asInt(s: string): number {
  return /^\d{1,5}$/.test(s.trim()) ? Number(s.trim()) : Number.NaN;
}

async function askPort(p: Prompts, bind: string): Promise<number> {
  for (;;) {
    const port = asInt(ask(p, await p.text({ message: 'HTTPS port', defaultValue: '8443', placeholder: '8443', validate: (v) => (v ? checkPort(asInt(v)) : undefined) })));
    const problem = await portProblem(bind, port);
    if (!problem) return port;
    p.log.error(`${problem}; choose another port`);
  }
}

async function askClients(p: Prompts, mode: SetupAuthMode, profiles: readonly string[]): Promise<ClientAnswer[]> {
  const clients: ClientAnswer[] = [];
  do {
    const taken = clients.map((c) => c.name);
    const name = ask(p, await p.text({ message: `Client ${clients.length + 1}: name (letters, digits, hyphens)`, validate: (v) => checkClientName(v ?? '', taken) }));
    const profile = ask(p, await p.text({ message: `Profile for ${name} (${profiles.join(', ')})`, defaultValue: 'operator', placeholder: 'operator', validate: (v) => (v ? checkProfile(v, profiles) : undefined) }));
    const client: ClientAnswer = { name, profile };
    if (mode === 'jwt+oauth2') {
      client.auth_mode = ask(p, await p.select({ message: `Authentication of ${name}`, options: AUTH_MODES.map((m) => ({ value: m, label: m })), initialValue: 'jwt' as SetupAuthMode }));
    }
    clients.push(client);
  } while (ask(p, await p.confirm({ message: 'Add another client?', initialValue: false })));
  return clients;
}

async function askNodes(p: Prompts, environment: 'production' | 'lab'): Promise<NodeAnswer[]> {
  const nodes: NodeAnswer[] = [];
  while (ask(p, await p.confirm({ message: nodes.length === 0 ? 'Declare a Cisco node now?' : 'Declare another Cisco node?', initialValue: nodes.length === 0 }))) {
    const taken = nodes.map((n) => n.name);
    const name = ask(p, await p.text({ message: 'Node name (e.g. cucm-pub)', validate: (v) => checkNodeName(v ?? '', taken) }));
    const product = ask(p, await p.select({ message: `Product of ${name}`, options: PRODUCTS.map((x) => ({ value: x, label: x })), initialValue: 'cucm' as NodeAnswer['product'] }));
    const host = ask(p, await p.text({ message: `Address of ${name} (DNS name or IP)`, validate: (v) => checkNodeHost(v ?? '', environment) }));
    const cluster = ask(p, await p.text({ message: `Cluster of ${name}`, defaultValue: `${product}1`, placeholder: `${product}1`, validate: (v) => (v ? checkNodeName(v, []) : undefined) }));
    const role = ask(p, await p.select({ message: `Role of ${name}`, options: [{ value: 'publisher', label: 'publisher' }, { value: 'subscriber', label: 'subscriber' }], initialValue: 'publisher' as NodeAnswer['role'] }));
    nodes.push({ name, product, host, cluster, role });
  }
  return nodes;
}

async function askTls(p: Prompts, root: string): Promise<SetupAnswers['tls']> {
  const mode = ask(p, await p.select({ message: 'Server certificate', options: [{ value: 'self-signed', label: 'self-signed (generated at first start)' }, { value: 'ca-signed', label: 'CA-signed files I already have' }], initialValue: 'self-signed' as 'self-signed' | 'ca-signed' }));
  if (mode === 'self-signed') return { mode };
  const exists = (v: string | undefined): string | undefined => (v && existsSync(resolveInstallPath(root, v)) ? undefined : `"${v ?? ''}" does not exist (relative paths start at the install folder)`);
  const cert_file = ask(p, await p.text({ message: 'Certificate file (PEM, full chain)', validate: exists }));
  const key_file = ask(p, await p.text({ message: 'Private key file (PEM)', validate: exists }));
  return { mode, cert_file, key_file };
}

async function askBackups(p: Prompts): Promise<SetupAnswers['backups']> {
  if (!ask(p, await p.confirm({ message: 'Enable scheduled encrypted backups?', initialValue: true }))) return { enabled: false, interval_hours: 168, retention: 4 };
  const interval_hours = Number(ask(p, await p.text({ message: 'Hours between backups', defaultValue: '168', placeholder: '168', validate: (v) => (!v || /^\d{1,5}$/.test(v) ? undefined : 'give a whole number of hours') })));
  const backups: SetupAnswers['backups'] = { enabled: true, interval_hours, retention: 4 };
  if (ask(p, await p.confirm({ message: 'Also copy each backup to an SFTP server?', initialValue: false }))) {
    const host = ask(p, await p.text({ message: 'SFTP server (DNS name or IP)', validate: (v) => checkNodeHost(v ?? '', 'lab') }));
    const port = asInt(ask(p, await p.text({ message: 'SFTP port', defaultValue: '22', placeholder: '22', validate: (v) => (v ? checkPort(asInt(v)) : undefined) })));
    const user = ask(p, await p.text({ message: 'SFTP user', validate: (v) => (v && /^[A-Za-z0-9._-]{1,64}$/.test(v) ? undefined : 'letters, digits, . _ - (at most 64)') }));
    const auth = ask(p, await p.select({ message: 'SFTP authentication', options: [{ value: 'key', label: 'SSH key (secrets/backup_ssh_key)' }, { value: 'password', label: 'password (stored encrypted)' }], initialValue: 'key' as 'key' | 'password' }));
    backups.sftp = { host, port, user, auth, remote_path: '/backups/ai-bridge/' };
  }
  return backups;
}

/** Run the wizard; undefined when the operator cancelled. */
export async function runSetupWizard(o: WizardOptions): Promise<SetupAnswers | undefined> {
  const p = await import('@clack/prompts');
  p.intro('aibridge setup: writes .env (mode 600) and nothing else');
  try {
    const fqdn = ask(p, await p.text({ message: 'DNS name agents will use for this server (FQDN)', placeholder: 'mcp.example.com', validate: (v) => checkFqdn(v ?? '') }));
    const bind = ask(p, await p.text({ message: 'Listen on address (0.0.0.0 = every interface)', defaultValue: '0.0.0.0', placeholder: '0.0.0.0', validate: (v) => (v ? checkBind(v) : undefined) }));
    const port = await askPort(p, bind);
    const auth_mode = ask(p, await p.select({ message: 'Authentication mode', options: AUTH_MODES.map((m) => ({ value: m, label: m })), initialValue: 'jwt' as SetupAuthMode }));
    const environment = ask(p, await p.select({ message: 'Environment', options: [{ value: 'production', label: 'production (real Cisco nodes)' }, { value: 'lab', label: 'lab (aibridge lab or loopback nodes allowed)' }], initialValue: 'production' as 'production' | 'lab' }));
    const clients = await askClients(p, auth_mode, o.profiles);
    const nodes = await askNodes(p, environment);
    const tls = await askTls(p, o.root);
    const backups = await askBackups(p);
    const answers = parseAnswers({ fqdn, port, bind, auth_mode, environment, clients, nodes, tls, backups }, { profiles: o.profiles });
    p.outro('Answers complete');
    return answers;
  } catch (err) {
    if (err instanceof Cancelled) { p.cancel('Setup cancelled; nothing was written'); return undefined; }
    throw err;
  }
}
