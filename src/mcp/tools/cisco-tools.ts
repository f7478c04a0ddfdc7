/** @module Every Cisco UC tool, built on shared services; the MCP registry wraps them with RBAC, limits and audit. */
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { createAxlTools } from './axl-tools.ts';
import { createSqlTools } from './sql-tools.ts';
import { createRisTools } from './ris-tools.ts';
import { createCliTools } from './cli-tools.ts';
import { createPhoneTools } from './phone-tools.ts';
import { createCupiTools } from './cupi-tools.ts';
import { createCredentialTools } from './credentials-tools.ts';
import { createServiceabilityTools } from './serviceability-tools.ts';

export function createCiscoTools(services: CiscoServices): ToolDefinition[] {
  return [
    ...createAxlTools(services), ...createSqlTools(services), ...createRisTools(services), ...createCliTools(services),
    ...createPhoneTools(services), ...createServiceabilityTools(services), ...createCupiTools(services), ...createCredentialTools(services),
  ];
}
