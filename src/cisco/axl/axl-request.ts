/**
 * @module Build one AXL request: operation checked against the schema, arguments converted by
 * `checkArgs`, XML written by the schema-driven serializer (lib/xsd/serialize: names only from
 * the schema, every value escaped), then the written element re-parsed (strict scanner, lib/xsd/xml-scan)
 * and validated strictly.
 */
import { AppError } from '../../lib/errors.ts';
import { writeValue } from '../../lib/xsd/serialize.ts';
import { validateElement } from '../../lib/xsd/validate.ts';
import { childNamed } from '../../lib/xsd/xml-tree.ts';
import { scanXmlTree } from '../../lib/xsd/xml-scan.ts';
import { soapEnvelope, assertXmlSafe } from '../soap/soap-envelope.ts';
import { checkArgs } from './axl-args.ts';
import type { AxlSchema } from './axl-schemas.ts';

export function axlNamespace(version: string): string {
  return `http://www.cisco.com/AXL/API/${version}`;
}

/** Operation name shape; also refuses `…Response` elements, which are answers, not requests. */
export function checkOperation(schema: AxlSchema, operation: string): void {
  const known = /^[a-z][A-Za-z0-9]{1,80}$/.test(operation) && !operation.endsWith('Response') && schema.model.hasElement(operation);
  if (!known) {
    const near = schema.operations.filter((o) => o.toLowerCase().startsWith(operation.slice(0, 6).toLowerCase())).slice(0, 10);
    throw new AppError('E_INPUT_INVALID', `Unknown AXL operation "${operation.slice(0, 80)}" in schema ${schema.version}`, {
      hint: near.length ? `did you mean ${near.join(', ')}? (cucm_axl_operations lists them)` : 'cucm_axl_operations lists the operations by prefix',
    });
  }
}

/** The SOAP envelope for `operation` with `args`; throws E_INPUT_INVALID with the schema's complaint. */
export function buildAxlRequest(schema: AxlSchema, operation: string, args: unknown): string {
  checkOperation(schema, operation);
  assertXmlSafe(args);
  const type = schema.model.elementType(operation);
  if (!type) throw new AppError('E_INPUT_INVALID', `AXL operation "${operation}" has no request type`);
  const value = checkArgs(schema.model, type, args ?? {});
  const xml = soapEnvelope({ ns: axlNamespace(schema.version) }, (w) => {
    if (!writeValue(schema.model, w, { name: `ns:${operation}`, value, type })) w.leaf(`ns:${operation}`, undefined);
  });
  const body = childNamed(childNamed(scanXmlTree(xml), 'Body')!, operation)!;
  const problem = validateElement(schema.model, body, operation, { structureOnlyUnder: new Set(['returnedTags']) });
  if (problem) {
    throw new AppError('E_INPUT_INVALID', `AXL ${operation} arguments do not match schema ${schema.version}: ${problem}`, {
      hint: `fix the arguments; cucm_axl_describe shows what ${operation} takes`,
    });
  }
  return xml;
}
