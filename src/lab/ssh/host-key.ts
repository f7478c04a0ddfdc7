/**
 * @module Stable SSH host keys: an ECDSA P-256 key derived from the lab seed and the node name, so a
 * node keeps its key across runs (known_hosts stays valid) without storing secrets; plus the
 * OpenSSH-style fingerprint `SHA256:<base64 without padding>`.
 */
import { createECDH, createHash, createPrivateKey } from 'node:crypto';
import ssh2 from 'ssh2';

const { utils } = ssh2;

/** SEC1 PEM private key for `node` (a different key when `changed` is set, for the hostkey fault). */
export function deriveHostKey(seed: number, node: string, changed = false): string {
  for (let attempt = 0; ; attempt++) {
    const d = createHash('sha256').update(`aibridge-lab-hostkey:${seed}:${node}:${changed ? 'rotated' : 'stable'}:${attempt}`).digest();
    try {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(d);
      const pub = ecdh.getPublicKey();
      const key = createPrivateKey({
        key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33, 65).toString('base64url') },
        format: 'jwk',
      });
      return key.export({ type: 'sec1', format: 'pem' }).toString();
    } catch (err) {
      if (attempt > 4) throw err;
    }
  }
}

/** `SHA256:…` fingerprint of a private key's public half, as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(pem: string): string {
  const parsed = utils.parseKey(pem);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error('Cannot parse the lab host key');
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}
