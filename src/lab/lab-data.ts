/** @module The live state one lab run holds: AXL objects, phone registrations and CUPI objects. */
import type { AxlStore } from './axl-store.ts';
import type { LabServices } from './serviceability/service-state.ts';
import type { LabCall } from './serviceability/lab-calls.ts';

export type RegStatus = 'Registered' | 'UnRegistered' | 'Rejected';

export interface Registration {
  /** Node the phone registers to (node name). */
  node: string;
  status: RegStatus;
  ip: string;
  /** Epoch seconds of the last state change (RIS TimeStamp). */
  timestamp: number;
  /** Port of the phone's web server once it listens. */
  httpPort?: number;
}

/** One CUPI object: flat string fields in Cisco's order. */
export type CupiObject = Record<string, string>;

export interface CupiData {
  users: CupiObject[];
  callhandlers: CupiObject[];
  distributionlists: CupiObject[];
  schedulesets: CupiObject[];
}

export interface LabCredentials {
  username: string;
  password: string;
  phoneUser: string;
  phonePassword: string;
}

export interface LabData {
  version: string;
  seed: number;
  axl: AxlStore;
  /** Phone name (upper case) → registration. */
  registrations: Map<string, Registration>;
  cupi: CupiData;
  credentials: LabCredentials;
  /** CUCM node names in the cluster (publisher first). */
  cucmNodes: string[];
  /** Site codes used in names. */
  sites: string[];
  /** Service state of every node (Control Center, `utils service list`, and what depends on them). */
  services: LabServices;
  /** The calls the phones make (traces, CDRs, PerfMon, streaming statistics). */
  calls: LabCall[];
  /** Epoch ms the lab started (the origin of trace windows and call times). */
  startedAt: number;
}
