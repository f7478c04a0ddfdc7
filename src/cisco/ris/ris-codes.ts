/**
 * @module Names for the numeric codes RisPort70 answers with: `Model` (CUCM's typemodel enum),
 * `Product` (typeproduct enum) and `StatusReason` (the registration reason codes CUCM also uses in
 * its EndPointUnregistered / EndPointRegistered alarms). An unknown code is returned as a number
 * with no name, never guessed.
 *
 * Product: for phones and the other endpoints listed here CUCM's typeproduct enum carries the same
 * value and name as typemodel (e.g. 36224 = Cisco 8845 in both), so one table decodes both; a
 * product code outside the table gets no name.
 */

/** typemodel enum → name (the models seen in RIS answers: phones, gateways, trunks, media resources, CTI). */
const MODELS: ReadonlyArray<readonly [number, string]> = [
  [7, 'Cisco 7960'], [8, 'Cisco 7940'], [9, 'Cisco 7935'], [12, 'Cisco ATA 186'], [20, 'SCCP Phone'], [30, 'Analog Access'], [40, 'Digital Access'],
  [50, 'Conference Bridge'], [52, 'Cisco IOS Conference Bridge (HDV2)'], [61, 'H.323 Phone'], [62, 'H.323 Gateway'], [70, 'Music On Hold'], [72, 'CTI Port'],
  [73, 'CTI Route Point'], [80, 'Voice Mail Port'], [90, 'Route List'], [110, 'Media Termination Point'], [112, 'Cisco IOS Media Termination Point (HDV2)'],
  [115, 'Cisco 7941'], [119, 'Cisco 7971'], [120, 'MGCP Station'], [121, 'MGCP Trunk'], [122, 'GateKeeper'], [125, 'Trunk'], [126, 'Tone Announcement Player'],
  [131, 'SIP Trunk'], [132, 'SIP Gateway'], [134, 'Remote Destination Profile'], [254, 'Unknown MGCP Gateway'], [255, 'Unknown'],
  [307, 'Cisco 7911'], [308, 'Cisco 7961G-GE'], [309, 'Cisco 7941G-GE'], [336, 'Third-party SIP Device (Basic)'], [348, 'Cisco 7931'],
  [358, 'Cisco Unified Personal Communicator'], [365, 'Cisco 7921'], [369, 'Cisco 7906'], [374, 'Third-party SIP Device (Advanced)'], [375, 'Cisco TelePresence'],
  [404, 'Cisco 7962'], [431, 'Cisco 7937'], [434, 'Cisco 7942'], [435, 'Cisco 7945'], [436, 'Cisco 7965'], [437, 'Cisco 7975'], [446, 'Cisco 3911'],
  [484, 'Cisco 7925'], [493, 'Cisco 9971'], [495, 'Cisco 6921'], [496, 'Cisco 6941'], [497, 'Cisco 6961'], [503, 'Cisco Unified Client Services Framework'],
  [537, 'Cisco 9951'], [540, 'Cisco 8961'], [547, 'Cisco 6901'], [548, 'Cisco 6911'], [550, 'Cisco ATA 187'], [562, 'Cisco Dual Mode for iPhone'],
  [564, 'Cisco 6945'], [575, 'Cisco Dual Mode for Android'], [577, 'Cisco 7926'], [585, 'Cisco 8945'], [586, 'Cisco 8941'], [592, 'Cisco 3905'],
  [621, 'Cisco 7821'], [622, 'Cisco 7841'], [623, 'Cisco 7861'], [635, 'CTI Remote Device'], [645, 'Universal Device Template'], [647, 'Cisco DX650'],
  [652, 'Cisco Jabber for Tablet'], [659, 'Cisco 8831'], [681, 'Cisco ATA 190'], [683, 'Cisco 8841'], [684, 'Cisco 8851'], [685, 'Cisco 8861'],
  [20000, 'Cisco 7905'], [30002, 'Cisco 7920'], [30006, 'Cisco 7970'], [30007, 'Cisco 7912'], [30008, 'Cisco 7902'], [30016, 'Cisco IP Communicator'],
  [30018, 'Cisco 7961'], [30019, 'Cisco 7936'], [30027, 'Analog Phone'], [30028, 'ISDN BRI Phone'], [30032, 'SCCP gateway virtual phone'],
  [36042, 'Cisco DX80'], [36043, 'Cisco DX70'], [36213, 'Cisco 7811'], [36216, 'Cisco 8821'], [36217, 'Cisco 8811'], [36219, 'Interactive Voice Response'],
  [36224, 'Cisco 8845'], [36225, 'Cisco 8865'], [36232, 'Cisco 8851NR'], [36235, 'Cisco Spark Remote Device'], [36247, 'Cisco 7832'], [36248, 'Cisco 8865NR'],
  [36251, 'Cisco Webex Room Kit'], [36258, 'Cisco 8832'], [36260, 'Cisco 8832NR'], [36262, 'Cisco ATA 191'], [36298, 'SIP Station'],
  [36336, 'Cisco 8875'], [36345, 'Cisco 9841'], [36347, 'Cisco 9861'], [36348, 'Cisco 9851'], [36350, 'Cisco 9871'],
];

const MODEL_NAMES = new Map<number, string>(MODELS);
const MODEL_CODES = new Map<string, number>(MODELS.map(([c, n]) => [n.toLowerCase(), c]));

/** StatusReason → [name, what it means for the engineer]. 0 is "no reason" (the device is registered). */
const STATUS_REASONS: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'None', 'no problem reported'],
  [1, 'Unknown', 'CUCM recorded no specific reason'],
  [6, 'ConnectivityError', 'the TCP connection to CUCM failed (network or firewall between phone and node)'],
  [8, 'DeviceInitiatedReset', 'the device reset itself (power cycle, user reset, crash)'],
  [9, 'CallManagerReset', 'an administrator reset or restarted the device from CUCM'],
  [10, 'DeviceUnregistered', 'the device unregistered normally'],
  [11, 'MalformedRegisterMsg', 'the device sent an invalid registration message (firmware or protocol mismatch)'],
  [12, 'SCCPDeviceThrottling', 'CUCM throttled the device for sending too many messages'],
  [13, 'KeepAliveTimeout', 'CUCM stopped receiving keep-alives (network loss or the device went away)'],
  [14, 'ConfigurationMismatch', 'the device configuration does not match CUCM (e.g. wrong model, protocol or security profile)'],
  [15, 'CallManagerRestart', 'the CallManager service restarted'],
  [16, 'DuplicateRegistration', 'another device registered with the same name'],
  [17, 'CallManagerApplyConfig', 'Apply Config was run for the device'],
  [18, 'DeviceNoResponse', 'the device did not answer CUCM'],
  [19, 'EMLoginLogout', 'Extension Mobility login or logout re-registered the device'],
  [20, 'EMCCLoginLogout', 'Extension Mobility Cross Cluster login or logout'],
  [25, 'RegistrationSequenceError', 'registration messages arrived out of order'],
  [26, 'InvalidCapabilities', 'the device reported capabilities CUCM cannot accept'],
  [28, 'FallbackInitiated', 'the device fell back to a higher-priority node'],
  [29, 'DeviceSwitch', 'the device switched to another node or SRST'],
  [30, 'DeviceWipe', 'the device was wiped'],
  [31, 'DeviceForcedReset', 'the device was forced to reset'],
  [33, 'LowBattery', 'a wireless device unregistered on low battery'],
  [34, 'ManualPowerOff', 'the device was powered off by its user'],
];

const REASONS = new Map<number, { name: string; meaning: string }>(STATUS_REASONS.map(([c, name, meaning]) => [c, { name, meaning }]));

function code(v: string | number): number | undefined {
  const n = typeof v === 'number' ? v : /^\d{1,6}$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

export function modelName(v: string | number): string | undefined {
  const c = code(v);
  return c === undefined ? undefined : MODEL_NAMES.get(c);
}

/** The model code for a name such as "Cisco 8845" (case-insensitive), for the RIS Model criterion. */
export function modelCode(name: string): number | undefined {
  return MODEL_CODES.get(name.trim().toLowerCase());
}

export function productName(v: string | number): string | undefined {
  return modelName(v);
}

export function statusReason(v: string | number): { name: string; meaning: string } | undefined {
  const c = code(v);
  return c === undefined ? undefined : REASONS.get(c);
}
