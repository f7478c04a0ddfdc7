/** @module The fields of an ACTIONS audit record: who, which tool, where, what exactly (redacted). */
import type { ToolDefinition, ToolTarget } from './tool-definition.ts';
import type { Principal } from '../auth/principal.ts';
import { escapeControlChars, redact } from '../lib/redact.ts';

const MAX_ARGS_CHARS = 4096;
/** Refused calls (unknown tool, bad arguments, rate limited) keep much less (issue #12 item 4). */
const MAX_REFUSED_ARGS_CHARS = 256;
const MAX_NAME_CHARS = 64;

/** The operation, command, request or filter a call asks for, as one string. */
export function operationOf(target: ToolTarget | undefined): string | undefined {
  if (!target) return undefined;
  if (target.axlOperation) return target.axlOperation;
  if (target.sshCommand) return target.sshCommand.slice(0, 512);
  if (target.cupiRequest) return target.cupiRequest.slice(0, 512);
  if (target.risDeviceClasses || target.risStatuses) return `ris ${(target.risDeviceClasses ?? ['Any']).join(',')}/${(target.risStatuses ?? ['Any']).join(',')}`;
  return target.phoneAction;
}

/** Arguments with secrets redacted and size capped. */
export function auditArgs(args: unknown): unknown {
  const r = redact(args);
  const text = JSON.stringify(r) ?? '';
  return text.length > MAX_ARGS_CHARS ? { truncated: true, preview: text.slice(0, MAX_ARGS_CHARS) } : r;
}

/**
 * Arguments of a call that was refused before it ran: redacted and cut to 256 characters, so a
 * flood of refusals costs the audit log little (issue #12 item 4).
 */
export function refusedArgs(args: unknown): unknown {
  const r = redact(args);
  const text = JSON.stringify(r) ?? '';
  return text.length > MAX_REFUSED_ARGS_CHARS ? { truncated: true, chars: text.length, preview: text.slice(0, MAX_REFUSED_ARGS_CHARS) } : r;
}

/** A tool name from the request (maybe no tool at all), bounded and with control characters escaped. */
export function boundedName(name: string): string {
  return escapeControlChars(String(name).slice(0, MAX_NAME_CHARS));
}

export interface ActionContext { requestId?: string; sessionId?: string }

export function actionFields(principal: Principal, tool: ToolDefinition | undefined, target: ToolTarget | undefined, ctx: ActionContext): Record<string, unknown> {
  return {
    client: principal.clientName,
    profile: principal.profile,
    tool: tool?.name,
    product: target?.product ?? tool?.product,
    protocol: tool?.protocol,
    node: target?.node,
    operation: operationOf(target),
    ...(ctx.requestId !== undefined ? { request_id: ctx.requestId } : {}),
    ...(ctx.sessionId !== undefined ? { session: ctx.sessionId.slice(0, 8) } : {}),
  };
}
