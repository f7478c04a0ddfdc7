/**
 * @module Parsers for the admin CLI outputs the health check judges on, in the layouts of
 * Cisco's captures (`../shared/cisco/samples/cli`): `utils dbreplication runtimestate` (CUCM
 * 8.6–15 layouts: the "(N) …" RTMT column), `utils ntp status` (ntpstat wording), `show status`,
 * `utils service list`, `show cert list own`, `show cert own`. They return undefined rather than
 * guess when the layout is not recognised; the grade is then WARN "output not recognised".
 */

export interface ReplicationRow { server: string; ip: string; state: number; details: string; line: string }

export function parseReplication(out: string): ReplicationRow[] | undefined {
  const rows: ReplicationRow[] = [];
  let inTable = false;
  for (const line of out.split(/\r?\n/)) {
    if (/^-{5,}\s+-{5,}/.test(line.trim())) { inTable = true; continue; }
    if (!inTable) continue;
    if (line.trim() === '') { if (rows.length) break; continue; }
    const m = /^(\S+)\s+(\S+)\s.*\((-|\d)\)\s*(.*)$/.exec(line.trimEnd());
    if (m) rows.push({ server: m[1]!, ip: m[2]!, state: m[3] === '-' ? -1 : Number(m[3]), details: m[4]!.trim(), line: line.trim() });
  }
  return inTable ? rows : undefined;
}

export interface NtpState { synchronised: boolean; stratum?: number; server?: string; line: string }

export function parseNtp(out: string): NtpState | undefined {
  // eslint-disable-next-line security/detect-unsafe-regex -- checked by hand: no nested repetition can match the same text two ways (each repeated group starts with a character the part before it cannot match), so matching is linear
  const sync = /^\s*synchroni[sz]ed to (?:NTP|local) server(?: \(([^)]+)\))? at stratum (\d+)/m.exec(out);
  if (sync) return { synchronised: true, stratum: Number(sync[2]), ...(sync[1] ? { server: sync[1] } : {}), line: sync[0].trim() };
  const unsync = /^\s*unsynchroni[sz]ed.*$/m.exec(out);
  if (unsync) {
    const next = out.slice(unsync.index + unsync[0].length).split(/\r?\n/).map((l) => l.trim()).filter(Boolean)[0];
    return { synchronised: false, stratum: 16, line: [unsync[0].trim(), next].filter(Boolean).join(' / ') };
  }
  return undefined;
}

export interface StatusFacts {
  version?: string;
  cpuIdlePct?: number;
  memory?: { totalK: number; usedK: number };
  disks: { name: string; usedPct: number; line: string }[];
}

export function parseShowStatus(out: string): StatusFacts | undefined {
  const version = /^Product Ver\s*:\s*(\S+)/m.exec(out)?.[1];
  const idle = /CPU Idle:\s*([\d.]+)%/.exec(out)?.[1];
  const total = /Memory Total:\s*(\d+)K/.exec(out)?.[1];
  const used = /^\s*Used:\s*(\d+)K/m.exec(out)?.[1];
  const disks = [...out.matchAll(/^(Disk\/\w+)\s+\d+K\s+\d+K\s+\d+K\s+\((\d+)%\)/gm)].map((m) => ({ name: m[1]!, usedPct: Number(m[2]), line: m[0].replace(/\s+/g, ' ') }));
  if (!version && idle === undefined && !total && disks.length === 0) return undefined;
  return {
    ...(version ? { version } : {}), ...(idle !== undefined ? { cpuIdlePct: Number(idle) } : {}),
    ...(total && used ? { memory: { totalK: Number(total), usedK: Number(used) } } : {}), disks,
  };
}

export interface ServiceState { name: string; state: 'started' | 'stopped' | 'other'; activated: boolean; line: string }

/**
 * `Name[STARTED]`, `Name [STOPPED] Service Not Activated`, `Name[ STOPPED ] Component is not running`;
 * several entries on one line (scraped captures) are read one by one.
 */
export function parseServiceList(out: string): ServiceState[] | undefined {
  const rows: ServiceState[] = [];
  const entry = /([^[\]]+?)\s*\[\s*([A-Z][A-Z ]*?)\s*\]\s*(Service Not Activated|Service Activated|Component is not running|Commanded Out of Service)?/g;
  for (const line of out.split(/\r?\n/)) {
    for (const m of line.matchAll(entry)) {
      const st = m[2]!;
      const name = m[1]!.trim();
      if (!name) continue;
      rows.push({ name, state: st === 'STARTED' ? 'started' : st === 'STOPPED' ? 'stopped' : 'other', activated: !/not activated/i.test(m[3] ?? ''), line: m[0].trim() });
    }
  }
  return rows.length ? rows : undefined;
}

/** Unit names from `show cert list own` (`tomcat/tomcat.pem: …`). */
export function parseCertList(out: string): string[] | undefined {
  const units = [...out.matchAll(/^([A-Za-z0-9][\w.-]*)\/\1\.pem:/gm)].map((m) => m[1]!);
  return units.length ? units : undefined;
}

/** Expiry (`To:` line after `Validity From:`) from `show cert own NAME`. */
export function parseCertExpiry(out: string): { notAfter: Date; line: string } | undefined {
  const m = /Validity From:[^\n]*\n\s*To:\s*(\w{3} \w{3} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ \d{4})/.exec(out);
  if (!m) return undefined;
  // Java Date.toString(): "Sun Jan 09 10:00:00 UTC 2028"; zone abbreviations other than UTC/GMT are read as UTC (±1 day at most).
  const p = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) \S+ (\d{4})$/.exec(m[1]!);
  if (!p) return undefined;
  const d = new Date(`${p[2]} ${p[1]} ${p[4]} ${p[3]} UTC`);
  return Number.isNaN(d.getTime()) ? undefined : { notAfter: d, line: `To: ${m[1]}` };
}
