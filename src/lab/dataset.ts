/**
 * @module Deterministic lab dataset from a seed: sites with device pools, partitions and CSSs,
 * users with one phone and one line each, SIP trunks and route patterns, phone registrations,
 * and the Unity Connection objects. Same seed and size → same names, MACs and uuids.
 */
import { AxlStore } from './axl-store.ts';
import type { XObject } from '../lib/xsd/xvalue.ts';
import { Prng } from './prng.ts';
import { PHONE_MODELS } from './models.ts';
import type { PhoneModel } from './models.ts';
import type { LabData, Registration } from './lab-data.ts';
import { buildCupiData } from './cupi-dataset.ts';
import { NODE_LAYOUT } from './lab-node.ts';
import { LabServices } from './serviceability/service-state.ts';
import { buildCalls } from './serviceability/lab-calls.ts';

const SITE_CODES = ['HQ', 'NYC', 'LON', 'PAR', 'BER', 'SYD', 'TKO', 'SFO', 'CHI', 'DAL', 'MIA', 'TOR', 'MEX', 'SAO', 'MAD', 'ROM', 'AMS', 'ZRH', 'VIE', 'WAW', 'PRG', 'OSL', 'STO', 'HEL', 'DUB', 'EDI', 'BCN', 'LIS', 'ATH', 'IST', 'DXB', 'BLR', 'SIN', 'HKG', 'SEL', 'OSA', 'MEL', 'AKL', 'JNB', 'CAI'];
const FIRST = ['Alice', 'Bob', 'Carol', 'David', 'Emma', 'Frank', 'Grace', 'Henry', 'Irene', 'Jack', 'Karen', 'Liam', 'Maria', 'Noah', 'Olivia', 'Paul', 'Quinn', 'Rosa', 'Sam', 'Tina', 'Uma', 'Victor', 'Wendy', 'Xavier', 'Yara', 'Zoe', 'Ahmed', 'Chen', 'Priya', 'Sofia', 'José', 'Zoë', 'Łukasz', 'Søren', 'Chloé', 'Jürgen', 'Ōta'];
/** Real directories hold accented names; their ASCII forms feed userids and ASCII alerting names. */
const ascii = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0141/g, 'L').replace(/\u0142/g, 'l').replace(/\u00d8/g, 'O').replace(/\u00f8/g, 'o'); // Ł ł Ø ø, escaped: the bundle stays ASCII (scripts/build.ts)
const LAST = ['Smith', 'Jones', 'Garcia', 'Miller', 'Brown', 'Davis', 'Martin', 'Wilson', 'Moore', 'Taylor', 'Anderson', 'Thomas', 'Lee', 'Walker', 'Hall', 'Young', 'King', 'Wright', 'Lopez', 'Hill', 'Scott', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell', 'Perez', 'Roberts', 'Turner', 'Müller', 'Núñez', 'Dvořák', 'Øberg', 'Çelik', 'Ångström'];
const DEPARTMENTS = ['Sales', 'Engineering', 'Support', 'Finance', 'HR', 'Marketing', 'Operations', 'Legal'];

export interface DatasetOptions {
  seed: number;
  phones: number;
  version: string;
  cucmNodes: string[];
  credentials: LabData['credentials'];
  /** Services stopped from the start (fault service:stopped:NAME). */
  stoppedServices?: readonly string[];
  /** Services that accept Start/Restart and stay Stopped (fault service:nostart:NAME). */
  noStartServices?: readonly string[];
  /** Epoch ms of the lab start (default now). */
  startedAt?: number;
}

function ref(store: AxlStore, kind: string, name: string): XObject {
  return store.ref(kind, name);
}

function pickModel(rng: Prng): PhoneModel {
  const total = PHONE_MODELS.reduce((s, m) => s + m.weight, 0);
  let r = rng.int(total);
  for (const m of PHONE_MODELS) { if (r < m.weight) return m; r -= m.weight; }
  return PHONE_MODELS[0]!;
}

/** IP of the i-th phone: distinct loopback addresses outside 127.0.0.0/24 (which the nodes use). */
export function phoneIp(i: number): string {
  return `127.${100 + Math.floor(i / 62_500)}.${Math.floor(i / 250) % 250 + 1}.${i % 250 + 1}`;
}

function uuidFrom(rng: Prng): string {
  return `{${rng.uuid().toUpperCase()}}`;
}

function addSites(store: AxlStore, rng: Prng, sites: string[]): void {
  for (const name of ['PT-Internal', 'PT-PSTN', 'PT-Emergency']) store.add('RoutePartition', { '@uuid': uuidFrom(rng), name, description: `${name.slice(3)} numbers` });
  store.add('DevicePool', { '@uuid': uuidFrom(rng), name: 'Default', callManagerGroupName: { '#text': 'Default' } });
  for (const site of sites) {
    store.add('RoutePartition', { '@uuid': uuidFrom(rng), name: `PT-${site}-Local`, description: `${site} local PSTN` });
    store.add('DevicePool', {
      '@uuid': uuidFrom(rng), name: `DP-${site}`, dateTimeSettingName: { '#text': 'CMLocal' },
      callManagerGroupName: { '#text': 'Default' }, regionName: { '#text': `R-${site}` }, srstName: { '#text': 'Disable' },
    });
    const members = ['PT-Internal', `PT-${site}-Local`, 'PT-Emergency', 'PT-PSTN'].map((p, i) => ({ routePartitionName: ref(store, 'RoutePartition', p), index: String(i + 1) }));
    store.add('Css', { '@uuid': uuidFrom(rng), name: `CSS-${site}-Internal`, description: `${site} internal calls`, members: { member: members.slice(0, 3) }, partitionUsage: 'General' });
    store.add('Css', { '@uuid': uuidFrom(rng), name: `CSS-${site}-National`, description: `${site} national calls`, members: { member: members }, partitionUsage: 'General' });
    store.add('SipTrunk', {
      '@uuid': uuidFrom(rng), name: `SIP-PSTN-${site}`, description: `${site} PSTN SIP trunk`, product: 'SIP Trunk', class: 'Trunk', protocol: 'SIP',
      protocolSide: 'Network', devicePoolName: ref(store, 'DevicePool', `DP-${site}`), locationName: { '#text': 'Hub_None' },
      securityProfileName: { '#text': 'Non Secure SIP Trunk Profile' }, sipProfileName: { '#text': 'Standard SIP Profile' },
      destinations: { destination: { addressIpv4: `192.0.2.${sites.indexOf(site) + 10}`, port: '5060', sortOrder: '1' } },
    });
    store.add('RoutePattern', {
      '@uuid': uuidFrom(rng), pattern: `9.${sites.indexOf(site) + 2}XXXXXXXX`, description: `${site} local PSTN`, usage: 'Route',
      routePartitionName: ref(store, 'RoutePartition', `PT-${site}-Local`), blockEnable: 'false', networkLocation: 'OffNet',
      destination: { gatewayName: ref(store, 'SipTrunk', `SIP-PSTN-${site}`) },
    });
  }
  store.add('SipTrunk', {
    '@uuid': uuidFrom(rng), name: 'SIP-CUC', description: 'Unity Connection', product: 'SIP Trunk', class: 'Trunk', protocol: 'SIP',
    protocolSide: 'Network', devicePoolName: ref(store, 'DevicePool', 'Default'), locationName: { '#text': 'Hub_None' },
    destinations: { destination: { addressIpv4: '127.0.0.31', port: '5060', sortOrder: '1' } },
  });
  store.add('RoutePattern', {
    '@uuid': uuidFrom(rng), pattern: '911', description: 'Emergency', usage: 'Route', routePartitionName: ref(store, 'RoutePartition', 'PT-Emergency'),
    blockEnable: 'false', networkLocation: 'OffNet', destination: { gatewayName: ref(store, 'SipTrunk', `SIP-PSTN-${sites[0]}`) },
  });
}

/** Build the whole dataset. */
export function buildDataset(opts: DatasetOptions): LabData {
  const rng = new Prng(opts.seed);
  const store = new AxlStore();
  const siteCount = Math.min(SITE_CODES.length, Math.max(2, Math.ceil(opts.phones / 250)));
  const sites = SITE_CODES.slice(0, siteCount);
  addSites(store, rng, sites);
  const registrations = new Map<string, Registration>();
  const base = opts.phones <= 8000 ? 1000 : 20000;
  const now = Math.floor(Date.now() / 1000);
  const usedIds = new Map<string, number>();
  const phoneNames: string[] = [];
  for (let i = 0; i < opts.phones; i++) {
    const site = sites[i % sites.length]!;
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    const stem = ascii(`${first[0]}${last}`).toLowerCase();
    const n = (usedIds.get(stem) ?? 0) + 1;
    usedIds.set(stem, n);
    const userid = n === 1 ? stem : `${stem}${n}`;
    const dn = String(base + i);
    store.add('User', {
      '@uuid': uuidFrom(rng), firstName: first, lastName: last, userid, mailid: `${userid}@lab.example.com`, department: rng.pick(DEPARTMENTS),
      telephoneNumber: dn, userLocale: 'English United States', associatedPc: '', enableCti: 'true', presenceGroupName: { '#text': 'Standard Presence group' },
      homeCluster: 'true', imAndPresenceEnable: 'true', primaryExtension: { pattern: dn, routePartitionName: 'PT-Internal' },
    });
    store.add('Line', {
      '@uuid': uuidFrom(rng), pattern: dn, description: `${first} ${last}`, usage: 'Device', routePartitionName: ref(store, 'RoutePartition', 'PT-Internal'),
      alertingName: `${first} ${last}`, asciiAlertingName: ascii(`${first} ${last}`), shareLineAppearanceCssName: { '#text': '' },
      voiceMailProfileName: { '#text': 'Default' }, callForwardAll: { forwardToVoiceMail: 'false', destination: '' },
    });
    const model = pickModel(rng);
    const name = `SEP${rng.hex(12)}`;
    const line = store.byKey('Line', [dn, 'PT-Internal'])!;
    store.add('Phone', {
      '@uuid': uuidFrom(rng), '@ctiid': String(100 + i), name, description: `${first} ${last} - ${model.model.slice(6)} - ${dn}`,
      product: model.model, model: model.model, class: 'Phone', protocol: 'SIP', protocolSide: 'User',
      callingSearchSpaceName: ref(store, 'Css', `CSS-${site}-National`), devicePoolName: ref(store, 'DevicePool', `DP-${site}`),
      commonPhoneConfigName: { '#text': 'Standard Common Phone Profile' }, locationName: { '#text': 'Hub_None' },
      securityProfileName: { '#text': `${model.model} - Standard SIP Non-Secure Profile` }, sipProfileName: { '#text': 'Standard SIP Profile' },
      phoneTemplateName: { '#text': `Standard ${model.model.slice(6)} SIP` }, useTrustedRelayPoint: 'Default',
      lines: { line: [{ index: '1', label: `${first} ${last} - ${dn}`, display: `${first} ${last}`, dirn: { '@uuid': String(line['@uuid']), pattern: dn, routePartitionName: ref(store, 'RoutePartition', 'PT-Internal') }, associatedEndusers: { enduser: { userId: userid } } }] },
      ownerUserName: ref(store, 'User', userid), enableExtensionMobility: 'false',
    });
    phoneNames.push(name);
    const roll = rng.next();
    registrations.set(name, {
      node: opts.cucmNodes[i % 3 === 0 ? 0 : Math.min(1, opts.cucmNodes.length - 1)]!,
      status: roll < 0.88 ? 'Registered' : roll < 0.97 ? 'UnRegistered' : 'Rejected',
      ip: phoneIp(i), timestamp: now - rng.int(86_400 * 7),
    });
  }
  store.add('AppUser', {
    '@uuid': uuidFrom(rng), userid: opts.credentials.phoneUser,
    associatedDevices: { device: phoneNames }, associatedGroups: { userGroup: { name: 'Standard CTI Enabled' } },
  });
  store.add('AppUser', { '@uuid': uuidFrom(rng), userid: opts.credentials.username, associatedGroups: { userGroup: { name: 'Standard CCM Super Users' } } });
  const startedAt = opts.startedAt ?? Date.now();
  const data: LabData = {
    version: opts.version, seed: opts.seed, axl: store, registrations, cupi: buildCupiData(store, rng),
    credentials: opts.credentials, cucmNodes: opts.cucmNodes, sites,
    services: new LabServices(NODE_LAYOUT, startedAt, opts.stoppedServices ?? [], opts.noStartServices ?? []), calls: [], startedAt,
  };
  data.calls = buildCalls(data, startedAt);
  return data;
}
