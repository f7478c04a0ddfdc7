/**
 * @module Test helper: validate a SOAP body element against the schema embedded in one of Cisco's
 * WSDLs (read from ../shared/cisco, never copied into the repo) with xmllint.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath } from '../../testdata/shared-dir.ts';

const NS = 'http://schemas.cisco.com/ast/soap';

/** Path of a file under the shared Cisco folder (found as testdata/shared-dir.ts says, whatever the cwd). */
export function sharedCiscoFile(rel: string): string {
  return sharedPath('cisco', rel);
}

/** The `<schema>` of `../shared/cisco/<rel>`, with the prefixes the WSDL declares outside it bound. */
export function wsdlSchema(rel: string): string {
  const wsdl = readFileSync(sharedCiscoFile(rel), 'utf8');
  const m = /<(xsd:)?schema[\s>]/.exec(wsdl);
  if (!m) throw new Error(`no schema in ${rel}`);
  const tag = m[1] ? 'xsd:schema' : 'schema';
  const start = m.index;
  const end = wsdl.indexOf(`</${tag}>`, start) + tag.length + 3;
  const decl = `<${tag} xmlns:tns="${NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" `;
  return wsdl.slice(start, end).replace(`<${tag} `, decl);
}

/** The first element inside soapenv:Body, made standalone (its prefix bound on itself). */
export function bodyElement(envelope: string, prefixes: Record<string, string> = { soap: NS, ns1: NS, ns: NS }): string {
  const open = /<([A-Za-z0-9_]+:)?Body(\s[^>]*)?>/.exec(envelope);
  if (!open) throw new Error('no SOAP Body');
  const from = open.index + open[0].length;
  const to = envelope.lastIndexOf(`</${open[1] ?? ''}Body>`);
  let inner = envelope.slice(from, to).trim();
  const first = /^<([A-Za-z0-9_]+):([A-Za-z0-9_]+)/.exec(inner);
  if (first && prefixes[first[1]!] && !new RegExp(`^<[^>]*xmlns:${first[1]}=`).test(inner)) {
    inner = inner.replace(first[0], `${first[0]} xmlns:${first[1]}="${prefixes[first[1]!]}"`);
  }
  return inner;
}

/** Throws with xmllint's message when `xml` does not validate against the WSDL's schema. */
export function xmllintAgainstWsdl(rel: string, xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'aibridge-wsdl-'));
  try {
    writeFileSync(join(dir, 'schema.xsd'), wsdlSchema(rel));
    writeFileSync(join(dir, 'doc.xml'), xml);
    try {
      execFileSync('xmllint', ['--noout', '--schema', join(dir, 'schema.xsd'), join(dir, 'doc.xml')], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new Error(`xmllint: ${e.stderr?.toString() ?? String(err)}\n--- document ---\n${xml.slice(0, 2000)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
