/**
 * @module HTTPS server options: TLS 1.2+ only, AEAD suites with forward secrecy only (Node's default
 * list still offers CBC suites in TLS 1.2), server cipher preference.
 */
import type { SecureContextOptions } from 'node:tls';

/** TLS 1.2 suites: ECDHE + AES-GCM / ChaCha20-Poly1305. TLS 1.3 suites are all AEAD with PFS. */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export function tlsServerOptions(certPem: string, keyPem: string): SecureContextOptions & { honorCipherOrder: boolean } {
  return {
    cert: certPem,
    key: keyPem,
    minVersion: 'TLSv1.2',
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
    ecdhCurve: 'X25519:P-256:P-384',
  };
}
