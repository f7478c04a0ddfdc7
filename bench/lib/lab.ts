/**
 * A lab (`aibridge lab`) and an `aibridge serve` in front of it, with one client holding the
 * publisher's AXL credentials — the set-up every Cisco bench needs — plus a curl baseline that
 * sends the same AXL request straight to the lab.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { BIN, scratchInstall, startServer, stop, waitFor } from './proc.ts';

export interface LabNode { name: string; product: string; role: string; host: string; https_port: number; username: string; password: string }
export interface Lab { dir: string; child: ChildProcess; version: string; caBundle: string; pub: LabNode }

/** Start a lab (extra args e.g. ['--phones', '100', '--faults', 'axl:concurrency:64']) and wait for lab.env. */
export async function startLab(args: string[] = []): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lab-'));
  const child = spawn(BIN, ['lab', '--dir', dir, '--seed', '1', ...args], { stdio: 'ignore' });
  await waitFor(() => existsSync(join(dir, 'lab.env')), 'lab.env');
  const j = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as { version: string; ca_bundle: string; nodes: LabNode[] };
  const pub = j.nodes.find((n) => n.product === 'cucm' && n.role === 'publisher');
  if (!pub) throw new Error('lab.json has no CUCM publisher');
  return { dir, child, version: j.version, caBundle: j.ca_bundle, pub };
}

export interface LabServe { dir: string; child: ChildProcess; token: string; url: string }

/**
 * `aibridge serve` on `port` with the lab's nodes (lab.env), client `bench` on profile `o.profile`
 * (extra profile files in `o.profiles`, name → JSON)
 * holding the publisher's AXL login; the server's certificate is trusted by this process's fetch.
 */
export async function startLabServe(lab: Lab, port: number, o: { profile?: string; profiles?: Record<string, unknown>; env?: string[]; processEnv?: NodeJS.ProcessEnv } = {}): Promise<LabServe> {
  const profile = o.profile ?? 'admin';
  const dir = scratchInstall('bench-serve-', [
    'MCP_SERVER_HOST=127.0.0.1', `MCP_SERVER_PORT=${port}`, `AUTH_ISSUER=https://localhost:${port}`, 'AUTH_RSA_KEY_SIZE=2048', 'LOGGING_CONSOLE_ENABLED=0', 'LOGGING_LEVEL=warning',
    'MCP_SERVER_SECURITY_ALLOWED_HOSTS=localhost:*,127.0.0.1:*', `MCP_SERVER_SECURITY_ALLOWED_ORIGINS=https://localhost:${port}`, `AUTH_CLIENTS=bench:sub-bench-20261124:${profile}`,
    'TLS_MAX_CONNECTIONS_PER_IP=1000', ...(o.env ?? []),
  ]);
  if (o.profiles) {
    mkdirSync(join(dir, 'profiles'));
    for (const [name, body] of Object.entries(o.profiles)) writeFileSync(join(dir, 'profiles', `${name}.json`), JSON.stringify(body));
  }
  appendFileSync(join(dir, '.env'), readFileSync(join(lab.dir, 'lab.env'), 'utf8'));
  const bin = join(dir, 'aibridge');
  let child = await startServer(bin, ['serve', '--dir', dir], port); // creates keys, certificate, client token
  await stop(child);
  const r = spawnSync(bin, ['credentials', 'set', '--dir', dir, '--client', 'bench', '--node', lab.pub.name, '--user', lab.pub.username], { input: `${lab.pub.password}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`credentials set failed: ${r.stderr}`);
  installDevLicence(dir);
  child = await startServer(bin, ['serve', '--dir', dir], port, 60, o.processEnv);
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(join(dir, 'secrets', 'server.crt'), 'utf8')]);
  return { dir, child, token: readFileSync(join(dir, 'clients', 'bench', 'secrets', '.token'), 'utf8').trim(), url: `https://localhost:${port}/mcp` };
}

/** Tools need a licence: an enterprise development licence signed with this checkout's release key (scripts/issue-license.ts). */
function installDevLicence(dir: string): void {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'issue-license.ts');
  const r = spawnSync(process.execPath, [script, '--customer', 'bench', '--tier', 'enterprise', '--days', '30', '--out', join(dir, 'secrets', 'license.jwt')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`issue-license failed: ${r.stderr}`);
}

/** The SOAP envelope of one AXL request. */
export function axlEnvelope(version: string, op: string, body: string): string {
  return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.cisco.com/AXL/API/${version}"><soapenv:Body><ns:${op}>${body}</ns:${op}></soapenv:Body></soapenv:Envelope>`;
}

/**
 * `count` sequential requests of one AXL operation by ONE curl process (connection and
 * JSESSIONIDSSO cookie reused, as aibridge's client does); the time of each transfer, ms.
 */
export function curlAxlTimes(lab: Lab, op: string, body: string, count: number, workDir: string): Promise<number[]> {
  const envFile = join(workDir, `curl-${op}.xml`);
  writeFileSync(envFile, axlEnvelope(lab.version, op, body));
  const jar = join(workDir, `jar-${Math.random().toString(36).slice(2)}`);
  const url = `https://${lab.pub.host}:${lab.pub.https_port}/axl/`;
  const one = ['-s', '-o', '/dev/null', '-w', '%{time_total}\\n', '--cacert', lab.caBundle, '-u', `${lab.pub.username}:${lab.pub.password}`, '-b', jar, '-c', jar,
    '-H', 'Content-Type: text/xml', '-H', `SOAPAction: "CUCM:DB ver=${lab.version} ${op}"`, '--data-binary', `@${envFile}`, url];
  const args: string[] = [];
  for (let i = 0; i < count; i++) args.push(...(i ? ['--next'] : []), ...one);
  return new Promise((resolve, reject) => {
    execFile('curl', args, { maxBuffer: 16 << 20 }, (err, stdout) => {
      if (err) { reject(new Error(`curl failed: ${err.message}`)); return; }
      resolve(stdout.trim().split('\n').map((s) => Number(s) * 1000));
    });
  });
}
