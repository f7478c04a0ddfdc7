/**
 * @module The matching rules of the configuration guide's "Matching rules" table, one function
 * each. All are pure and fail closed: anything not plainly allowed is refused.
 */

/** AXL: exact name, or starts with an allowed prefix (AXL names are case-sensitive). */
export function matchAxl(operation: string, prefixes: readonly string[] = [], exact: readonly string[] = []): string | undefined {
  if (exact.includes(operation)) return `allowed_exact "${operation}"`;
  const p = prefixes.find((x) => x !== '' && operation.startsWith(x));
  return p === undefined ? undefined : `allowed_prefixes "${p}"`;
}

/** Collapse blanks so that "show   status" and "show status" are one command. */
export function normaliseCommand(command: string): string {
  return command.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** SSH: the command equals the prefix or starts with it followed by a space (word boundary). */
export function matchSsh(command: string, prefixes: readonly string[]): string | undefined {
  const c = normaliseCommand(command);
  if (c === '') return undefined;
  return prefixes.find((raw) => {
    const p = normaliseCommand(raw);
    return p !== '' && (c === p || c.startsWith(`${p} `));
  });
}

/** RIS: absent list = no filter; otherwise every requested value must be listed (case-insensitive). */
export function matchList(requested: readonly string[] | undefined, allowed: readonly string[] | undefined): boolean {
  if (allowed === undefined) return true;
  if (requested === undefined || requested.length === 0) return false; // "everything" asked, but filtered
  const set = new Set(allowed.map((a) => a.toLowerCase()));
  return requested.every((r) => set.has(r.toLowerCase()));
}

const CUPI_REQUEST = /^(GET|POST|PUT|DELETE) (\/[^\s?#\\]*)$/;

/** True when a path is already normalised: no "." or ".." segments, no "//", no encoded "/", "\" or ".". */
export function isNormalisedPath(path: string): boolean {
  if (path.includes('//') || /%(2e|2f|5c|25)/i.test(path)) return false;
  return !path.split('/').some((s) => s === '.' || s === '..');
}

/**
 * CUPI: `METHOD /path` must start with an allowed prefix on a path-segment boundary, so that
 * "PUT /vmrest/users" allows "PUT /vmrest/users/{id}" but not "PUT /vmrest/userstemplates".
 */
export function matchCupi(request: string, prefixes: readonly string[]): string | undefined {
  const m = CUPI_REQUEST.exec(request);
  if (!m || !isNormalisedPath(m[2]!)) return undefined;
  return prefixes.find((raw) => {
    const p = raw.endsWith('/') ? raw.slice(0, -1) : raw;
    if (p.endsWith(' ')) return request.startsWith(`${p}/`); // "GET /" allows every GET
    return request === p || request.startsWith(`${p}/`);
  });
}
