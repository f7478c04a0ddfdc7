/** @module What the operator declares about one Cisco node (CISCO_NODES and friends). */

export type CiscoProduct = 'cucm' | 'imp' | 'cuc';
export const CISCO_PRODUCTS: readonly CiscoProduct[] = ['cucm', 'imp', 'cuc'];

export type NodeRole = 'publisher' | 'subscriber';
export const NODE_ROLES: readonly NodeRole[] = ['publisher', 'subscriber'];

export interface CiscoNode {
  name: string;
  product: CiscoProduct;
  /** Host name or IP literal (IPv6 without brackets). */
  host: string;
  cluster: string;
  role: NodeRole;
  httpsPort: number;
  sshPort: number;
  /** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo, when pinned. */
  spkiPin?: string;
}

/** Human name of a product for messages. */
export function productLabel(p: CiscoProduct): string {
  return p === 'cucm' ? 'CUCM' : p === 'imp' ? 'IM&Presence' : 'Unity Connection';
}
