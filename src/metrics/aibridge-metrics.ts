/**
 * @module The metrics aibridge exposes, with typed helpers for the places that count them, and
 * one instance per running server (`runtime.metrics`, created with the runtime).
 */
import { readdirSync } from 'node:fs';
import { Metrics } from './metrics.ts';
import { VERSION } from '../lib/version.ts';

export type CallStatus = 'ok' | 'error' | 'denied' | 'rate_limited' | 'cancelled';

export const TOOL_CALLS = 'aibridge_mcp_tool_calls_total';
export const AUTH_FAILURES = 'aibridge_auth_failures_total';
export const RATE_LIMITED = 'aibridge_rate_limited_total';
export const SESSIONS_REFUSED = 'aibridge_mcp_sessions_refused_total';
export const TOOL_CALL_DURATION = 'aibridge_mcp_tool_call_duration_seconds';

/**
 * Upper bounds (seconds) of the tool-call latency buckets: a cached introspection answer is
 * milliseconds, an AXL or RIS call tens to hundreds of milliseconds, an SSH command (default
 * timeouts 30–120 s after a login of up to 60 s) or a DIME log download up to minutes; anything
 * longer lands in +Inf.
 */
export const TOOL_CALL_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class AibridgeMetrics extends Metrics {
  constructor() {
    super();
    this.declareCounter(TOOL_CALLS, 'MCP tool calls by client, tool and status (ok, error, denied, rate_limited)');
    this.declareCounter(AUTH_FAILURES, 'Failed bearer authentications by client ("unknown" when the token names no configured client); sum for the total');
    this.declareCounter(RATE_LIMITED, 'Calls refused by the per-client rate limit, by client, product and category');
    this.declareCounter(SESSIONS_REFUSED, 'MCP sessions refused, by reason (client_cap, global_cap, wrong_client)');
    this.declareHistogram(TOOL_CALL_DURATION, 'Tool-call latency in seconds (audit start to outcome), by tool category: the tool\'s product and rate category', TOOL_CALL_BUCKETS_S);
    this.collect('aibridge_build_info', 'Version of the running aibridge', 'gauge', () => [{ labels: { version: VERSION }, value: 1 }]);
    this.collect('process_resident_memory_bytes', 'Resident memory size in bytes', 'gauge', () => [{ labels: {}, value: process.memoryUsage.rss() }]);
    this.collect('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds', 'counter', () => {
      const u = process.cpuUsage();
      return [{ labels: {}, value: (u.user + u.system) / 1e6 }];
    });
    const started = Date.now() / 1000 - process.uptime();
    this.collect('process_start_time_seconds', 'Start time of the process since unix epoch in seconds', 'gauge', () => [{ labels: {}, value: Math.round(started) }]);
    this.collect('process_open_fds', 'Number of open file descriptors', 'gauge', () => [{ labels: {}, value: readdirSync('/proc/self/fd').length }]);
    this.collect('nodejs_heap_used_bytes', 'V8 heap in use in bytes', 'gauge', () => [{ labels: {}, value: process.memoryUsage().heapUsed }]);
  }

  toolCall(client: string, tool: string, status: CallStatus): void {
    this.inc(TOOL_CALLS, { client, tool, status });
  }

  /**
   * One tool call's latency. Labels are the tool's declared product and rate category (both from
   * closed sets in tool-definition.ts), never its name's arguments, node or client: at most
   * products × categories series.
   */
  toolCallDuration(product: string, category: string, seconds: number): void {
    this.observe(TOOL_CALL_DURATION, { product, category }, seconds);
  }

  authFailure(client = 'unknown'): void {
    this.inc(AUTH_FAILURES, { client });
  }

  rateLimited(client: string, product: string, category: string): void {
    this.inc(RATE_LIMITED, { client, product, category });
  }

  sessionRefused(reason: 'client_cap' | 'global_cap' | 'wrong_client'): void {
    this.inc(SESSIONS_REFUSED, { reason });
  }
}

