/**
 * @module The log files of each lab CUCM node as DIME sees them: CallManager and CTIManager SDL/SDI
 * traces rolled every 20 minutes, holding the SIP messages, digit analysis and SDL signals of the
 * lab's calls on that node, and the syslog. The active file of each trace keeps growing until
 * its window closes. An optional large SDI file (`bigTraceMb`) serves the download benchmark; it
 * is generated as it streams, never held in memory.
 */
import type { LabNode } from '../lab-node.ts';
import type { LabCall, CallParty } from './lab-calls.ts';

export interface LabLogFile {
  name: string;
  path: string;
  service: string;
  modifiedMs: number;
  size: number;
  /** The content, produced in chunks. */
  chunks(): Iterable<Buffer>;
}

const WINDOW_MS = 20 * 60_000;
const ACTIVE = '/var/log/active';

interface TraceKind { service: string; dir: string; file: (i: number) => string; render: (c: LabCall, node: LabNode, seq: number) => string }

function hhmmss(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

function sip(c: LabCall, node: LabNode, status: string): string {
  const from = `"${c.caller.name}" <sip:${c.caller.dn}@${node.host}>;tag=${c.id}a`;
  return [
    'INVITE' === status ? `INVITE sip:${c.dialed}@${node.host}:5060 SIP/2.0` : `SIP/2.0 ${status}`,
    `Via: SIP/2.0/TCP ${c.caller.ip}:5060;branch=z9hG4bK${c.id.toString(16)}${status.length}`,
    `From: ${from}`, `To: <sip:${c.dialed}@${node.host}>${status === 'INVITE' ? '' : `;tag=${c.id}b`}`, `Call-ID: ${c.sipCallId}`,
    `CSeq: 101 ${status === 'BYE' ? 'BYE' : 'INVITE'}`, 'User-Agent: Cisco-CP8845/14.2.1', `Contact: <sip:${c.caller.dn}@${c.caller.ip}:5060;transport=tcp>`,
    'Allow: ACK,BYE,CANCEL,INVITE,NOTIFY,OPTIONS,REFER,REGISTER,UPDATE,SUBSCRIBE,INFO', 'Content-Length: 0', '',
  ].join('\n');
}

function sdiLines(c: LabCall, node: LabNode, seq: number): string {
  const t0 = c.origination * 1000;
  const line = (n: number, at: number, kind: string, text: string): string => `${String(seq).padStart(8, '0')}.${String(n).padStart(3, '0')} |${hhmmss(at)} |${kind.padEnd(9)}|${text}\n`;
  const callee = c.callee as CallParty | undefined;
  const final = callee === undefined ? '404 Not Found' : c.destCause === 17 ? '486 Busy Here' : c.connect ? '200 OK' : '180 Ringing';
  let out = line(1, t0, 'AppInfo', `SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from ${c.caller.ip} on port 5060 index ${seq % 97} with 812 bytes:\n[${seq},NET]\n${sip(c, node, 'INVITE')}`);
  out += line(2, t0 + 3, 'AppInfo', `Digit Analysis: match(pi="2", fqcn="${c.caller.dn}", cn="${c.caller.dn}",plv="5", pss="PT-Internal:PT-PSTN", TodFilteredPss="PT-Internal:PT-PSTN", dd="${c.dialed}",dac="0")`);
  out += line(3, t0 + 4, 'AppInfo', callee ? `Digit Analysis: analysis results\n|PretransformCallingPartyNumber=${c.caller.dn}\n|CallingPartyNumber=${c.caller.dn}\n|PretransformDigitString=${c.dialed}\n|CalledPartyNumber=${c.dialed}\n|PatternUsage=2\n|PatternType=Enterprise` : `Digit Analysis: Potential match -- no match found for dd="${c.dialed}"`);
  out += line(4, t0 + 40, 'AppInfo', `SIPTcp - wait_SdlSPISignal: Outgoing SIP TCP message to ${c.caller.ip} on port 5060 index ${seq % 97}\n[${seq + 1},NET]\n${sip(c, node, final)}`);
  if (c.connect) out += line(5, c.disconnect * 1000, 'AppInfo', `SIPTcp - wait_SdlReadRsp: Incoming SIP TCP message from ${c.caller.ip} on port 5060 index ${seq % 97}\n[${seq + 2},NET]\n${sip(c, node, 'BYE')}`);
  out += line(6, c.disconnect * 1000 + 5, 'AppInfo', `CallManager - CcRelReq  CI=${c.id} cause=${c.destCause || c.origCause}`);
  return out;
}

function sdlLines(c: LabCall, node: LabNode, seq: number): string {
  const s = (n: number, at: number, sig: string, state: string, extra: string): string => `${String(seq * 10 + n).padStart(8, '0')}.000 |${hhmmss(at)} |SdlSig   |${sig.padEnd(28)}|${state.padEnd(22)}|Cdcc(1,100,224,${seq % 50 + 1})             |Cdcc(1,100,224,${seq % 50 + 2})             |1,100,14,${seq}.1^${c.caller.ip}^${c.caller.device}   |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0] CI=${c.id} ${extra}\n`;
  const t0 = c.origination * 1000;
  let out = s(1, t0, 'SIPSetupInd', 'wait', `CallingPartyNumber=${c.caller.dn} CalledPartyNumber=${c.dialed} node=${node.name}`);
  out += s(2, t0 + 5, 'CcSetupReq', 'restart0', `callingNum=${c.caller.dn} calledNum=${c.dialed}`);
  if (c.connect) {
    out += s(3, t0 + 40, 'CcAlertInd', 'outgoing', `device=${c.callee?.device ?? ''}`);
    out += s(4, c.connect * 1000, 'CcConnInd', 'connected', `device=${c.callee?.device ?? ''}`);
  }
  out += s(5, c.disconnect * 1000, 'CcRelInd', 'disconnecting', `cause=${c.destCause || c.origCause}`);
  return out;
}

function ctiLines(c: LabCall, _node: LabNode, seq: number): string {
  const t0 = c.origination * 1000;
  return `${String(seq).padStart(8, '0')}.000 |${hhmmss(t0)} |SdlSig-I |CtiNewCallNotify             |ready                 |CTIHandler(1,200,25,1)         |CTIDeviceLineMgr(1,200,26,1)   |1,200,13,${seq}.1^*^*      |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0] CI=${c.id} DN=${c.caller.dn} CallingDN=${c.caller.dn} CalledDN=${c.dialed}\n`
    + `${String(seq).padStart(8, '0')}.001 |${hhmmss(c.disconnect * 1000)} |SdlSig-I |CtiCallStateChangeNotify     |ready                 |CTIHandler(1,200,25,1)         |CTIDeviceLineMgr(1,200,26,1)   |1,200,13,${seq}.2^*^*      |[R:N-H:0,N:0,L:0,V:0,Z:0,D:0] CI=${c.id} State=Idle Cause=${c.destCause || c.origCause}\n`;
}

const KINDS: readonly TraceKind[] = [
  { service: 'Cisco CallManager', dir: 'cm/trace/ccm/sdi', file: (i) => `ccm${String(i).padStart(8, '0')}.txt`, render: sdiLines },
  { service: 'Cisco CallManager', dir: 'cm/trace/ccm/sdl', file: (i) => `SDL001_100_${String(i).padStart(6, '0')}.txt`, render: sdlLines },
  { service: 'Cisco CTIManager', dir: 'cm/trace/cti/sdi', file: (i) => `cti${String(i).padStart(8, '0')}.txt`, render: ctiLines },
  { service: 'Cisco CTIManager', dir: 'cm/trace/cti/sdl', file: (i) => `SDL001_200_${String(i).padStart(6, '0')}.txt`, render: ctiLines },
];

/** Service and system log names as listNodeServiceLogs reports them. */
export const SYSTEM_LOGS = ['Syslog', 'Install and Upgrade Logs', 'Netdump Logs'];

function textFile(name: string, path: string, service: string, modifiedMs: number, text: string): LabLogFile {
  const buf = Buffer.from(text, 'utf8');
  return { name, path, service, modifiedMs, size: buf.length, chunks: () => [buf] };
}

/** A file of exactly `size` bytes of trace lines, generated chunk by chunk as it streams. */
function bigFile(name: string, path: string, service: string, modifiedMs: number, size: number, sample: string): LabLogFile {
  const unit = Buffer.from(sample || 'CallManager trace line\n');
  return {
    name, path, service, modifiedMs, size,
    *chunks() {
      const block = Buffer.concat(Array.from({ length: Math.max(1, Math.ceil(256 * 1024 / unit.length)) }, () => unit));
      let left = size;
      while (left > 0) { const n = Math.min(left, block.length); yield n === block.length ? block : block.subarray(0, n); left -= n; }
    },
  };
}

export class LabTraceFiles {
  readonly #calls: readonly LabCall[];
  readonly #origin: number;
  readonly #bigBytes: number;
  readonly #closed = new Map<string, LabLogFile>();

  constructor(calls: readonly LabCall[], startedAtMs: number, bigTraceMb = 0) {
    this.#calls = calls;
    this.#origin = startedAtMs - 3 * 3600_000;
    this.#bigBytes = Math.round(bigTraceMb * 1024 * 1024);
  }

  /** Every file the node holds at `now`. */
  files(node: LabNode, now: number): LabLogFile[] {
    if (node.product !== 'cucm') return [this.#syslog(node, now)];
    const out: LabLogFile[] = [];
    const windows = Math.max(1, Math.floor((now - this.#origin) / WINDOW_MS) + 1);
    for (const kind of KINDS) {
      for (let i = 0; i < windows; i++) {
        const from = this.#origin + i * WINDOW_MS;
        const to = Math.min(from + WINDOW_MS, now);
        const key = `${node.name}|${kind.dir}|${i}`;
        const cached = this.#closed.get(key);
        if (cached) { out.push(cached); continue; }
        const mine = this.#calls.filter((c) => c.origination * 1000 >= from && c.origination * 1000 < to && c.disconnect * 1000 <= now && (c.caller.node === node.name || c.callee?.node === node.name));
        const header = `${kind.service} trace, node ${node.name}, ${new Date(from).toISOString()}\n`;
        const text = header + mine.map((c) => kind.render(c, node, c.id)).join('');
        const name = kind.file(i + 1);
        const f = textFile(name, `${ACTIVE}/${kind.dir}/${name}`, kind.service, to, text);
        if (from + WINDOW_MS <= now) this.#closed.set(key, f);
        out.push(f);
      }
    }
    if (this.#bigBytes > 0) {
      const sample = out.find((f) => f.path.includes('/sdi/') && f.size > 500);
      const text = sample ? Buffer.concat([...sample.chunks()]).toString('utf8') : '';
      out.push(bigFile('ccm00009999.txt', `${ACTIVE}/cm/trace/ccm/sdi/ccm00009999.txt`, 'Cisco CallManager', now, this.#bigBytes, text));
    }
    out.push(this.#syslog(node, now));
    return out;
  }

  #syslog(node: LabNode, now: number): LabLogFile {
    const recent = this.#calls.filter((c) => c.disconnect * 1000 <= now && c.disconnect * 1000 > now - 3 * 3600_000 && c.destCause === 1 && c.caller.node === node.name);
    const lines = recent.map((c) => `${new Date(c.disconnect * 1000).toUTCString().slice(5, 25)} ${node.name} local7 4 ccm: ${c.id}: ${node.name}.lab.example.com: ${new Date(c.disconnect * 1000).toISOString()} : %UC_CALLMANAGER-4-UnallocatedNumber: %[CallingPartyNumber=${c.caller.dn}][CalledPartyNumber=${c.dialed}][AppID=Cisco CallManager][ClusterID=${node.cluster}][NodeID=${node.name}]: Called number is not allocated\n`);
    return textFile('CiscoSyslog', `${ACTIVE}/syslog/CiscoSyslog`, 'Syslog', now, `${new Date(now).toUTCString().slice(5, 25)} ${node.name} syslog 6 syslogd: restart\n${lines.join('')}`);
  }
}
