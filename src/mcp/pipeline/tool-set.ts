/**
 * @module The tools that exist right now. Tools are added once at start-up; gates (e.g. the
 * licence: which products and features are enabled) can hide tools at run time. Any change
 * (a tool added, a gate added or `changed()` called) notifies listeners, and the MCP layer sends
 * `notifications/tools/list_changed` to every open session.
 */
import { AppError } from '../../lib/errors.ts';
import type { ToolDefinition } from '../tool-definition.ts';

/** Product feature a tool belongs to: its own `feature`, else `<product>.<protocol>`. */
export function featureOf(tool: ToolDefinition): string {
  return tool.feature ?? `${tool.product}.${tool.protocol}`;
}

/** Decides whether a tool exists at all (for every client), e.g. from the licence. */
export interface ToolGate {
  readonly name: string;
  allows(tool: ToolDefinition): boolean;
}

export class ToolSet {
  readonly #tools = new Map<string, ToolDefinition>();
  readonly #gates: ToolGate[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(tools: readonly ToolDefinition[] = []) {
    this.add(tools);
  }

  add(tools: readonly ToolDefinition[]): void {
    for (const t of tools) {
      if (this.#tools.has(t.name)) throw new AppError('E_INTERNAL', `Tool "${t.name}" is registered twice`);
      this.#tools.set(t.name, t);
    }
    if (tools.length) this.changed();
  }

  addGate(gate: ToolGate): void {
    this.#gates.push(gate);
    this.changed();
  }

  /** Call when a gate's answer may have changed (e.g. a licence was replaced). */
  changed(): void {
    for (const l of this.#listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #open(t: ToolDefinition): boolean {
    return this.#gates.every((g) => g.allows(t));
  }

  /** The tool, if it exists and every gate allows it. */
  get(name: string): ToolDefinition | undefined {
    const t = this.#tools.get(name);
    return t && this.#open(t) ? t : undefined;
  }

  /** The gate that hides a registered tool, if one does (for a helpful refusal). */
  hiddenBy(name: string): string | undefined {
    const t = this.#tools.get(name);
    return t ? this.#gates.find((g) => !g.allows(t))?.name : undefined;
  }

  /** Every tool that exists now, in registration order. */
  all(): ToolDefinition[] {
    return [...this.#tools.values()].filter((t) => this.#open(t));
  }
}
