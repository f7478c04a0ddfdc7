/**
 * The issue-20 performance table: every benchmark that produces one of its rows records the row
 * here (and prints it at once); `npm run bench` prints the whole table at the end, with a row
 * that was not measured in this run marked as such, so every row and its ratio is always shown.
 */

export interface RowSpec { key: string; title: string; goal: string }

/** The rows, in the order of the issue's table; benches add theirs with `record(key, …)`. */
export const ROWS: RowSpec[] = [
  { key: 'mcp-1', title: 'MCP aibridge_whoami, 1 client', goal: '≥ 50 %, p50 ≤ 1.5 ms' },
  { key: 'mcp-10', title: 'MCP aibridge_whoami, 10 clients', goal: '≥ 60 %, p99 ≤ 1.3× bare' },
  { key: 'mcp-50', title: 'MCP aibridge_whoami, 50 clients', goal: '≥ 70 %, p99 ≤ 1.3× bare' },
  { key: 'mcp-valkey-50', title: 'MCP aibridge_whoami, 50 clients over 2 instances on Valkey (issue 19)', goal: 'ratio to 1 local instance; round trips per call' },
  { key: 'startup', title: 'startup to first /health', goal: '≤ 2.5×' },
  { key: 'sql-50k', title: 'executeSQLQuery 50,000 rows', goal: '≤ 1.5×' },
  { key: 'listphone-50k', title: 'listPhone 50,000 phones', goal: '≤ 1.2×' },
  { key: 'serve-rss', title: 'serve peak RSS during those', goal: '< 200 MiB' },
  { key: 'backup', title: 'backup of a 1 GiB install', goal: '≥ 0.6×, RSS < 150 MB' },
  { key: 'restore', title: 'restore --verify of it', goal: '≥ 0.6×' },
  { key: 'axl-version-1', title: 'MCP cucm_axl_request getCCMVersion, 1 client', goal: '≤ 1.3×' },
  { key: 'axl-version-10', title: 'MCP cucm_axl_request getCCMVersion, 10 clients', goal: '≤ 1.3×' },
  { key: 'session-memory', title: 'memory per idle MCP session', goal: '≥ 10,000 sessions per GiB' },
  { key: 'dime-200', title: 'cucm_log_get 200 MiB trace (DIME GetOneFile)', goal: '≤ 1.3×, flat RSS' },
];

export interface Row { ours: string; base: string; ratio: string; note?: string }

const recorded = new Map<string, Row>();

/** Record (and print) one row of the table; `key` must be one of ROWS (or a new one added there). */
export function record(key: string, row: Row): void {
  const spec = ROWS.find((r) => r.key === key);
  if (!spec) throw new Error(`bench/lib/table: unknown row "${key}" — add it to ROWS`);
  recorded.set(key, row);
  console.log(`${spec.title}: aibridge ${row.ours} | baseline ${row.base} | ratio ${row.ratio}${row.note ? ` | ${row.note}` : ''}`);
}

/** The whole table as Markdown (the same layout as bench/README.md). */
export function table(): string {
  const lines = ['| benchmark | aibridge | baseline | ratio | goal |', '|---|---|---|---|---|'];
  for (const spec of ROWS) {
    const r = recorded.get(spec.key);
    lines.push(r
      ? `| ${spec.title} | ${r.ours} | ${r.base} | ${r.ratio} | ${spec.goal} |`
      : `| ${spec.title} | not run | — | — | ${spec.goal} |`);
  }
  return lines.join('\n');
}
