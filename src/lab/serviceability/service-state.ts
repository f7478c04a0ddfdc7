/**
 * @module The services of each lab node, one state shared by Control Center
 * (soapGetServiceStatus / soapDoControlServices), `utils service list` and whatever depends on a
 * service: CallManager stopped → its phones are unregistered in RIS and PerfMon; RIS Data
 * Collector stopped → RisPort70 and PerfMon fail; Trace Collection stopped → DIME fails; CDR
 * Repository Manager stopped → CDRonDemand fails.
 */
import type { LabNode, LabProduct } from '../lab-node.ts';

export type ServiceStatus = 'Started' | 'Stopped';

export interface LabService {
  name: string;
  status: ServiceStatus;
  activated: boolean;
  /** Epoch ms of the last start (when Started). */
  startedAt: number;
  /**
   * Stopped on purpose (a Stop from Control Center or `utils service stop`): Control Center's
   * reason is then -1069 "Commanded Out of Service" and `utils service list` says so; a service
   * that is down otherwise shows -1019 "Component is not running".
   */
  commanded?: boolean;
}

/** Services of the platform on every node (name, activated on the publisher only?). */
const PLATFORM: ReadonlyArray<[string, 'all' | 'publisher']> = [
  ['A Cisco DB', 'all'], ['A Cisco DB Replicator', 'all'], ['Cisco AMC Service', 'all'], ['Cisco Audit Event Service', 'all'], ['Cisco CDP', 'all'],
  ['Cisco CDP Agent', 'all'], ['Cisco Certificate Change Notification', 'all'], ['Cisco Certificate Expiry Monitor', 'all'], ['Cisco DRF Local', 'all'],
  ['Cisco DRF Master', 'publisher'], ['Cisco Database Layer Monitor', 'all'], ['Cisco Log Partition Monitoring Tool', 'all'], ['Cisco RIS Data Collector', 'all'],
  ['Cisco Tomcat', 'all'], ['Cisco Trace Collection Service', 'all'], ['Cisco Syslog Agent', 'all'], ['Host Resources Agent', 'all'], ['MIB2 Agent', 'all'],
  ['Platform Administrative Web Service', 'all'], ['SNMP Master Agent', 'all'], ['System NTP', 'all'],
];

const PRODUCT: Record<LabProduct, ReadonlyArray<[string, 'all' | 'publisher']>> = {
  // Every CUCM node runs CallManager here: the dataset registers phones to the publisher too.
  cucm: [['Cisco CallManager', 'all'], ['Cisco CTIManager', 'all'], ['Cisco Tftp', 'all'], ['Cisco AXL Web Service', 'all'], ['Cisco CDR Agent', 'all'],
    ['Cisco CDR Repository Manager', 'publisher'], ['Cisco Dialed Number Analyzer', 'all'], ['Cisco Extension Mobility', 'all'], ['Cisco UXL Web Service', 'all'],
    ['Cisco Bulk Provisioning Service', 'publisher'], ['Cisco DirSync', 'publisher'], ['Cisco Extended Functions', 'all'], ['Cisco Serviceability Reporter', 'publisher']],
  imp: [['Cisco XCP Router', 'all'], ['Cisco XCP Connection Manager', 'all'], ['Cisco XCP Authentication Service', 'all'], ['Cisco SIP Proxy', 'all'], ['Cisco Presence Engine', 'all'],
    ['Cisco XCP Config Manager', 'all'], ['Cisco Sync Agent', 'publisher'], ['Cisco Client Profile Agent', 'all']],
  cuc: [['Connection Conversation Manager', 'all'], ['Connection Message Transfer Agent', 'all'], ['Connection Notifier', 'all'], ['Connection Mailbox Sync', 'all'],
    ['Connection REST Service', 'all'], ['Connection Groupware Caching Service', 'all'], ['Connection IMAP Server', 'all'], ['Connection Voice Recognizer', 'all']],
};

export class LabServices {
  readonly #byNode = new Map<string, LabService[]>();
  readonly #noStart: readonly string[];

  /**
   * `stopped`: service names that start out stopped (fault service:stopped:NAME) on every node that
   * has them; `noStart`: services whose Start/Restart is accepted but that stay Stopped
   * (service:nostart:NAME).
   */
  constructor(nodes: ReadonlyArray<Pick<LabNode, 'name' | 'product' | 'role'>>, startedAt: number, stopped: readonly string[] = [], noStart: readonly string[] = []) {
    this.#noStart = noStart.map((s) => s.toLowerCase());
    for (const n of nodes) {
      const list = [...PLATFORM, ...PRODUCT[n.product]].map(([name, where]): LabService => {
        const activated = where === 'all' || n.role === 'publisher';
        const down = !activated || stopped.some((s) => s.toLowerCase() === name.toLowerCase());
        return { name, status: down ? 'Stopped' : 'Started', activated, startedAt: down ? 0 : startedAt - 3 * 86_400_000 };
      });
      this.#byNode.set(n.name, list.sort((a, b) => (a.name < b.name ? -1 : 1)));
    }
  }

  list(node: string): readonly LabService[] {
    return this.#byNode.get(node) ?? [];
  }

  get(node: string, name: string): LabService | undefined {
    return this.list(node).find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  /** True when the named service runs on the node (unknown services count as not running). */
  running(node: string, name: string): boolean {
    return this.get(node, name)?.status === 'Started';
  }

  /** Apply Start/Stop/Restart; returns an error text for a service that cannot be controlled. */
  control(node: string, name: string, action: 'Start' | 'Stop' | 'Restart', now: number): string | undefined {
    const s = this.get(node, name);
    if (!s) return `Service ${name} is not known on ${node}`;
    if (!s.activated) return 'Service Not Activated';
    if (action === 'Stop') { s.status = 'Stopped'; s.startedAt = 0; s.commanded = true; return undefined; }
    s.commanded = false;
    if (this.#noStart.includes(s.name.toLowerCase())) { s.status = 'Stopped'; s.startedAt = 0; return undefined; }
    s.status = 'Started';
    s.startedAt = now;
    return undefined;
  }
}
