/**
 * @module Self-signed serving certificate (EC P-256) whose SANs come from ALLOWED_HOSTS. Shaped as
 * an end-entity (CA:false, serverAuth) because Deno's rustls rejects a CA used as a server cert.
 * Loaded only to generate one (@peculiar/x509 costs ~35 ms of start-up to evaluate).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes } from 'node:crypto';
import { SELF_SIGNED_CN, SELF_SIGNED_VALIDITY_DAYS } from './self-signed-sans.ts';

/** Generate a certificate and key (PEM) for the given SANs. */
export async function generateSelfSignedCert(sans: { dns: string[]; ips: string[] }, now = new Date()): Promise<{ certPem: string; keyPem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await globalThis.crypto.subtle.generateKey(alg, true, ['sign', 'verify']) as CryptoKeyPair;
  const names = [...sans.dns.map((value) => ({ type: 'dns' as const, value })), ...sans.ips.map((value) => ({ type: 'ip' as const, value }))];
  const notAfter = new Date(now.getTime() + SELF_SIGNED_VALIDITY_DAYS * 86_400_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
    // A random OU makes every subject unique: OpenSSL finds an issuer by subject name, so a trust
    // store holding two instances' self-signed certificates (a load balancer's ca-file) would
    // otherwise try the wrong one and fail with "self-signed certificate".
    name: `CN=${SELF_SIGNED_CN}, OU=instance ${randomBytes(6).toString('hex')}, O=aibridge`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem') + '\n', keyPem };
}
