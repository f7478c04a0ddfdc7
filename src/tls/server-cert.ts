/**
 * @module Start-up step 5: choose the serving certificate. An operator certificate
 * (TLS_CA_SIGNED_CERT_FILE/KEY_FILE, or secrets/server.crt+key not made by us) is used as is after
 * checking it matches its key; our self-signed one is renewed past half-life or when SANs change.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import { SELF_SIGNED_CN, sansFromAllowedHosts } from './self-signed-sans.ts';

export interface ServerCert { certPem: string; keyPem: string; source: 'operator' | 'self-signed'; action: 'loaded' | 'generated' | 'renewed'; notAfter: string; certPath: string }

export interface ServerCertOptions { secretsDir: string; allowedHosts: readonly string[]; caSignedCertFile?: string; caSignedKeyFile?: string; now?: Date }

function readPem(path: string, what: string): string {
  try { return readFileSync(path, 'utf8'); } catch (err) {
    throw new AppError('E_TLS_INVALID', `Cannot read TLS ${what} "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'check the path and its permissions', cause: err });
  }
}

function parseCert(pem: string, path: string): X509Certificate {
  try { return new X509Certificate(pem); } catch (err) {
    throw new AppError('E_TLS_INVALID', `"${path}" is not a PEM certificate`, { hint: 'provide a PEM certificate (full chain, leaf first)', cause: err });
  }
}

function checkPair(cert: X509Certificate, keyPem: string, certPath: string, keyPath: string): void {
  let key;
  try { key = createPrivateKey(keyPem); } catch (err) {
    throw new AppError('E_TLS_INVALID', `"${keyPath}" is not a PEM private key`, { hint: 'provide the unencrypted PEM key of the certificate', cause: err });
  }
  if (!cert.checkPrivateKey(key)) {
    throw new AppError('E_TLS_INVALID', `Certificate "${certPath}" does not match key "${keyPath}"`, { hint: 'install the key that belongs to this certificate' });
  }
}

function isOurs(cert: X509Certificate): boolean {
  return cert.subject.includes(`CN=${SELF_SIGNED_CN}`) && cert.issuer === cert.subject;
}

function sanString(sans: { dns: string[]; ips: string[] }): string {
  return [...sans.dns.map((d) => `DNS:${d}`), ...sans.ips.map((i) => `IP Address:${i}`)].sort().join(', ');
}

function currentSans(cert: X509Certificate): string {
  return (cert.subjectAltName ?? '').split(', ').filter(Boolean).sort().join(', ');
}

/** Load, verify, generate or renew the serving certificate. */
export async function ensureServerCert(options: ServerCertOptions): Promise<ServerCert> {
  const now = options.now ?? new Date();
  if (options.caSignedCertFile || options.caSignedKeyFile) {
    if (!options.caSignedCertFile || !options.caSignedKeyFile) {
      throw new AppError('E_TLS_INVALID', 'TLS_CA_SIGNED_CERT_FILE and TLS_CA_SIGNED_KEY_FILE must be set together', { hint: 'set both keys in .env, or neither' });
    }
    const certPem = readPem(options.caSignedCertFile, 'certificate');
    const keyPem = readPem(options.caSignedKeyFile, 'key');
    const cert = parseCert(certPem, options.caSignedCertFile);
    checkPair(cert, keyPem, options.caSignedCertFile, options.caSignedKeyFile);
    return { certPem, keyPem, source: 'operator', action: 'loaded', notAfter: cert.validTo, certPath: options.caSignedCertFile };
  }
  const certPath = join(options.secretsDir, 'server.crt');
  const keyPath = join(options.secretsDir, 'server.key');
  const sans = sansFromAllowedHosts(options.allowedHosts);
  let action: ServerCert['action'] = 'generated';
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readPem(certPath, 'certificate');
    const keyPem = readPem(keyPath, 'key');
    const cert = parseCert(certPem, certPath);
    checkPair(cert, keyPem, certPath, keyPath);
    if (!isOurs(cert)) return { certPem, keyPem, source: 'operator', action: 'loaded', notAfter: cert.validTo, certPath };
    const from = new Date(cert.validFrom).getTime();
    const to = new Date(cert.validTo).getTime();
    const halfLife = from + (to - from) / 2;
    if (now.getTime() < halfLife && currentSans(cert) === sanString(sans)) {
      return { certPem, keyPem, source: 'self-signed', action: 'loaded', notAfter: cert.validTo, certPath };
    }
    action = 'renewed';
  }
  const { generateSelfSignedCert } = await import('./self-signed-cert.ts');
  const generated = await generateSelfSignedCert(sans, now);
  // Key first: a crash between the two writes leaves a pair that fails checkPair and is regenerated.
  await writeFileAtomic(keyPath, generated.keyPem, { mode: 0o600 });
  await writeFileAtomic(certPath, generated.certPem, { mode: 0o644 });
  return { ...generated, source: 'self-signed', action, notAfter: new X509Certificate(generated.certPem).validTo, certPath };
}
