/**
 * @module Upgrade package format (a .tar.gz built by scripts/release-package.ts):
 *   upgrade.json   { product, kind: "upgrade", version, created, changelog[], post_upgrade[],
 *                    files: { "<install path>": "<sha512 hex>" } }
 *   upgrade.sig    base64 RSA-PSS/SHA-512 (salt = digest length) over the exact upgrade.json bytes,
 *                  by the release key whose public half is embedded in the installed binary
 *   files/<install path>   each payload file (aibridge, .env.example, profiles/_default/*.json,
 *                  manifest.json, manifest.sig)
 */
import { z } from 'zod';

export const PACKAGE_MANIFEST = 'upgrade.json';
export const PACKAGE_SIGNATURE = 'upgrade.sig';
export const PAYLOAD_DIR = 'files';

/** Install paths a package may write: nothing else (never .env, secrets, clients, logs). */
export const UPGRADABLE_PATH = /^(aibridge|\.env\.example|manifest\.json|manifest\.sig|aibridge\.cdx\.json|aibridge\.cdx\.json\.sig|profiles\/_default\/[A-Za-z0-9_-]+\.json)$/;

export const UPGRADE_MANIFEST_SCHEMA = z.object({
  product: z.literal('aibridge'),
  kind: z.literal('upgrade'),
  // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/),
  created: z.string(),
  changelog: z.array(z.string()).max(500),
  post_upgrade: z.array(z.string()).max(100),
  files: z.record(z.string().regex(UPGRADABLE_PATH), z.string().regex(/^[0-9a-f]{128}$/)),
}).strict();

export type UpgradeManifest = z.infer<typeof UPGRADE_MANIFEST_SCHEMA>;
