/** @module AXL schema per version, loaded once from the embedded Cisco AXL toolkit files. */
import { BUNDLED_AXL_VERSIONS, readAssetText } from '../../lib/assets.ts';
import { SchemaModel } from '../../lib/xsd/schema-model.ts';

/** The lab answers the schema versions the binary embeds (lib/assets.ts). */
export const AXL_VERSIONS = BUNDLED_AXL_VERSIONS;
/** Versions `aibridge lab --version` can simulate (11.0 is only the default schema for 1.0 requests). */
export const LAB_VERSIONS = ['11.5', '12.0', '12.5', '14.0', '15.0'] as const;
export type AxlVersion = (typeof AXL_VERSIONS)[number];
export type LabVersion = (typeof LAB_VERSIONS)[number];

export function isLabVersion(v: string): v is LabVersion {
  return (LAB_VERSIONS as readonly string[]).includes(v);
}

export interface AxlSchema {
  version: AxlVersion;
  namespace: string;
  model: SchemaModel;
  /** Operations declared in AXLAPI.wsdl. */
  operations: ReadonlySet<string>;
}

const CACHE = new Map<string, AxlSchema>();

export function isAxlVersion(v: string): v is AxlVersion {
  return (AXL_VERSIONS as readonly string[]).includes(v);
}

/** Schema for one version (parsed on first use, ~0.5 s). */
export function axlSchema(version: AxlVersion): AxlSchema {
  const hit = CACHE.get(version);
  if (hit) return hit;
  const model = new SchemaModel(readAssetText(`axl/${version}/AXLSoap.xsd`));
  const wsdl = readAssetText(`axl/${version}/AXLAPI.wsdl`);
  const operations = new Set<string>();
  for (const m of wsdl.matchAll(/soapAction="CUCM:DB ver=[0-9.]+ ([A-Za-z0-9_]+)"/g)) operations.add(m[1]!);
  const schema: AxlSchema = { version, namespace: `http://www.cisco.com/AXL/API/${version}`, model, operations };
  CACHE.set(version, schema);
  return schema;
}

/** CUCM build string reported by getCCMVersion / show version active. */
export function ccmBuild(version: string): string {
  const builds: Record<string, string> = { '11.5': '11.5.1.17900-52', '12.0': '12.0.1.23900-9', '12.5': '12.5.1.16900-48', '15.0': '15.0.1.12900-234' };
  return builds[version] ?? '14.0.1.13900-155';
}
