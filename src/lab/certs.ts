/**
 * @module The lab's PKI: one CA (kept in the lab dir so re-runs keep the same trust anchor) and a
 * leaf per node (CA:false, serverAuth, SAN IP + DNS). The `tls:untrusted` fault signs leaves with
 * a throwaway CA instead.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import { writeFileAtomicSync } from '../lib/atomic-write.ts';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export interface LabCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
  pem: string;
}

export interface LeafPem { cert: string; key: string }

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

async function createCa(commonName: string): Promise<LabCa> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}, O=aibridge lab`, notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 3650 * DAY_MS),
    keys, signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey, pem: cert.toString('pem') + '\n' };
}

/**
 * The lab CA from `dir` (ca.pem + ca-key.pem), created when missing or unreadable. `base` names
 * another CA kept beside it (phone-ca: the phones' "manufacturing" CA, a different trust anchor
 * from the nodes', as on real clusters).
 */
export async function loadOrCreateCa(dir: string, base = 'ca', commonName = 'aibridge lab CA'): Promise<LabCa> {
  const certPath = join(dir, `${base}.pem`);
  const keyPath = join(dir, `${base}-key.pem`);
  if (existsSync(certPath) && existsSync(keyPath)) {
    try {
      const pem = readFileSync(certPath, 'utf8');
      const cert = new x509.X509Certificate(pem);
      const key = await webcrypto.subtle.importKey('pkcs8', fromPem(readFileSync(keyPath, 'utf8')), ALG, false, ['sign']) as CryptoKey;
      if (cert.notAfter.getTime() > Date.now() + 30 * DAY_MS) return { cert, key, pem };
    } catch { /* unreadable: make a new one below */ }
  }
  const ca = await createCa(commonName);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', ca.key);
  writeFileAtomicSync(keyPath, toPem(pkcs8, 'PRIVATE KEY'), { mode: 0o600 });
  writeFileAtomicSync(certPath, ca.pem, { mode: 0o644 });
  return ca;
}

/** A throwaway CA that nothing trusts (for the `tls:untrusted` fault). */
export function createUntrustedCa(): Promise<LabCa> {
  return createCa('untrusted lab CA');
}

/** A serving certificate for one node, signed by `ca`. */
export async function issueLeaf(ca: LabCa, host: { ip: string; dnsName: string }): Promise<LeafPem> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: `CN=${host.dnsName}, OU=lab, O=aibridge lab`, issuer: ca.cert.subject,
    notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 825 * DAY_MS),
    signingKey: ca.key, publicKey: keys.publicKey, signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: host.ip }, { type: 'dns', value: host.dnsName }]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem') + '\n' + ca.pem, key: toPem(pkcs8, 'PRIVATE KEY') };
}

/**
 * A phone's certificate as Cisco's MIC/LSC are: the subject names the device (CN=SEP…), there is no
 * IP or DNS SAN for its address and no Authority Key Identifier (the setup spec's caveat).
 */
export async function issuePhoneCert(ca: LabCa, deviceName: string): Promise<LeafPem> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: `CN=${deviceName}, OU=EVVBU, O=Cisco Systems Inc.`, issuer: ca.cert.subject,
    notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 3650 * DAY_MS),
    signingKey: ca.key, publicKey: keys.publicKey, signingAlgorithm: ALG,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem') + '\n', key: toPem(pkcs8, 'PRIVATE KEY') };
}
