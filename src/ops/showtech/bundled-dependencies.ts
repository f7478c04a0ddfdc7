/**
 * @module Versions of the runtime libraries bundled into the binary (from package-lock.json; a
 * unit test fails when this list drifts from the lock file).
 */
export const BUNDLED_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@clack/prompts': '1.9.0',
  '@hono/node-server': '2.1.9',
  '@modelcontextprotocol/sdk': '1.32.2',
  '@peculiar/x509': '2.2.0',
  bcryptjs: '3.0.3',
  'fast-xml-parser': '5.12.1',
  fflate: '0.8.3',
  hono: '4.13.19',
  iovalkey: '0.4.0',
  jose: '6.2.18',
  pdfkit: '0.20.2',
  'reflect-metadata': '0.2.2',
  semver: '7.8.6',
  ssh2: '1.17.0',
  'tar-stream': '3.2.2',
  yaml: '2.9.1',
  zod: '4.6.7',
};
