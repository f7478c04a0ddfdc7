/**
 * @module What every MCP tool declares (ARCHITECTURE.md, "Declaring a tool"). The pipeline
 * (pipeline/tool-pipeline.ts) wraps each handler with validation, the decision, rate limiting,
 * auditing, cancellation and error mapping; handlers contain none of it.
 */
import type { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../auth/principal.ts';
import type { ChangeAdapter } from './changes/change-adapter.ts';
import type { Product, Protocol, RateCategory, ToolTarget } from '../rbac/tool-target.ts';

// What a call addresses is RBAC's vocabulary (rbac/tool-target.ts); re-exported for the tools.
export type { Product, Protocol, ServiceabilityApi, RateCategory, ToolTarget } from '../rbac/tool-target.ts';

export interface ToolContext {
  principal: Principal;
  signal: AbortSignal;
  /** Progress notification (no-op when the client sent no progress token). */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * Ask the person at the MCP client (elicitation/create); present only when the client declared
   * the elicitation capability. Used by change control for in-client approval.
   */
  elicit?(message: string, requestedSchema: ElicitSchema): Promise<ElicitAnswer>;
}

export interface ElicitSchema { type: 'object'; properties: Record<string, { type: 'boolean' | 'string'; title?: string; description?: string; default?: boolean }>; required?: string[] }
export interface ElicitAnswer { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint?: boolean;
}

/**
 * Whether a call changes state on a Cisco system: 'read' never, 'write' always, 'per-target' by
 * what it asks for (AXL operation, CLI command, CUPI method; see rbac/write-classes.ts).
 */
export type ToolEffect = 'read' | 'write' | 'per-target';

export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  /** Written for an LLM: what it does, when to use it, what it returns. */
  description: string;
  product: Product;
  protocol: Protocol;
  rateCategory: RateCategory;
  inputSchema: Shape;
  /**
   * Fields of `structuredContent` on success (listed as outputSchema; extra fields are allowed).
   * Error results carry `{ error: { code, message, hint, retryable } }` instead (the pipeline).
   */
  outputSchema: z.ZodRawShape;
  /** Annotations for a caller that can use the tool fully; narrowed per profile for 'per-target'. */
  annotations: ToolAnnotations;
  effect: ToolEffect;
  /**
   * Licence feature the tool belongs to; default `<product>.<protocol>` (pipeline/tool-set.ts).
   * A name from license/tiers.ts FEATURES ('serviceability', 'reports', 'scale-out') makes the
   * tool exist only under a licence whose tier includes that feature.
   */
  feature?: string;
  /**
   * Static requirement for listing the tool to a profile, e.g. `{ axlOperation: 'executeSQLUpdate' }`
   * for cucm_sql_update; omitted fields mean "any use of this product/protocol is allowed".
   */
  requires?: Omit<ToolTarget, 'node'>;
  /**
   * Introspection tools (aibridge_whoami…) contact nothing and are open to every profile; they
   * are audited with one record after the call instead of a record before and one after.
   */
  introspection?: boolean;
  /**
   * Change control (ARCHITECTURE.md, "Change control"): before-image, verification and undo for
   * this tool's writes. A write tool without one (`effect: 'write'`, e.g. service control) is still
   * planned and approved, but irreversible, and applied by running the handler as approved.
   */
  change?: ChangeAdapter;
  /** Derive the target from validated arguments, once, before the decision (may throw AppError). */
  target(args: z.infer<z.ZodObject<Shape>>): ToolTarget;
  handler(args: z.infer<z.ZodObject<Shape>>, ctx: ToolContext): Promise<CallToolResult>;
}
