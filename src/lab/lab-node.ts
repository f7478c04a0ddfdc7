/** @module The simulated hosts of one lab: CUCM publisher and subscriber, IM&Presence, Unity Connection. */

export type LabProduct = 'cucm' | 'imp' | 'cuc';

export interface LabNode {
  name: string;
  product: LabProduct;
  cluster: string;
  role: 'publisher' | 'subscriber';
  /** Loopback address the node listens on. */
  host: string;
  httpsPort: number;
  sshPort: number;
  sshHostKeySha256: string;
}

/** Fixed layout: each node on its own 127.0.0.x address (ports are chosen at start). */
export const NODE_LAYOUT: ReadonlyArray<Pick<LabNode, 'name' | 'product' | 'cluster' | 'role' | 'host'>> = [
  { name: 'cucm-pub', product: 'cucm', cluster: 'lab-cucm', role: 'publisher', host: '127.0.0.11' },
  { name: 'cucm-sub1', product: 'cucm', cluster: 'lab-cucm', role: 'subscriber', host: '127.0.0.12' },
  { name: 'imp-pub', product: 'imp', cluster: 'lab-imp', role: 'publisher', host: '127.0.0.21' },
  { name: 'cuc-pub', product: 'cuc', cluster: 'lab-cuc', role: 'publisher', host: '127.0.0.31' },
];
