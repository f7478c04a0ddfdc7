/**
 * @module Reads .env text into key/value pairs with line numbers. Quotes and comments follow
 * dotenv rules (node:util parseEnv does the value parsing); a line that is not KEY=VALUE is an error.
 */
import { parseEnv } from 'node:util';
import { AppError } from '../lib/errors.ts';

export interface EnvEntry { key: string; value: string; line: number }

// eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
const LINE_RE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;

/**
 * Parse .env text; throws E_CONFIG_INVALID naming the first malformed line. A UTF-8 byte-order
 * mark (what Windows editors write) is stripped first, so it can never hide the first key
 * (issue #12 item 14: a BOM before MCP_SERVER_HOST= silently bound every interface).
 */
export function parseEnvFile(text: string, fileName = '.env'): EnvEntry[] {
  const entries: EnvEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
    if (/^\s*(#.*)?$/.test(raw)) continue;
    const m = LINE_RE.exec(raw);
    if (!m) {
      throw new AppError('E_CONFIG_INVALID', `${fileName} line ${i + 1} is not KEY=VALUE`, {
        hint: 'fix or comment out that line (keys are letters, digits and _; values may be quoted)',
      });
    }
    const key = m[1] as string;
    let chunk = raw;
    const rest = (m[2] ?? '').trimStart();
    const quote = rest[0];
    // A quoted value may span lines (dotenv rule): gather until the closing quote.
    if ((quote === '"' || quote === "'" || quote === '`') && !closesQuote(rest.slice(1), quote)) {
      let j = i + 1;
      while (j < lines.length && !closesQuote(lines[j] ?? '', quote)) j++;
      if (j >= lines.length) {
        throw new AppError('E_CONFIG_INVALID', `${fileName} line ${i + 1}: ${key} has an unterminated ${quote} quote`, { hint: 'close the quote' });
      }
      chunk = lines.slice(i, j + 1).join('\n');
      i = j;
    }
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      // Unquoted: a comment starts at " #" (whitespace first), as python-dotenv reads it, so the
      // documented REPORT_CHARTS_COLORS=PASS=#78F5AE,… keeps its colours (node's parseEnv would cut at "#").
      entries.push({ key, value: rest.replace(/(^|\s+)#.*$/, '').trim(), line: i + 1 });
      continue;
    }
    const parsed = parseEnv(chunk) as Record<string, string>;
    entries.push({ key, value: parsed[key] ?? '', line: i + 1 });
  }
  return entries;
}

function closesQuote(text: string, quote: string): boolean {
  return text.includes(quote);
}
