/** @module The serviceability tools: Control Center, DIME log collection, PerfMon and CDR on demand. */
import type { ToolDefinition } from '../tool-definition.ts';
import type { CiscoServices } from './cisco-services.ts';
import { createServiceStatusTool } from './service-tools.ts';
import { createLogTools } from './log-tools.ts';
import { createPerfmonTools } from './perfmon-tools.ts';
import { createCdrTools } from './cdr-tools.ts';
import { createServiceControlTool } from './service-control.ts';

export function createServiceabilityTools(s: CiscoServices): ToolDefinition[] {
  return [createServiceStatusTool(s), createServiceControlTool(s), ...createLogTools(s), ...createPerfmonTools(s), ...createCdrTools(s)];
}
