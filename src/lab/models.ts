/** @module Phone models the lab deploys, with the facts each endpoint reports about them. */

export interface PhoneModel {
  /** AXL model and product name (values of XModel / XProduct in AXLSoap.xsd). */
  model: string;
  /** Informix typemodel.enum (the values CUCM uses; RIS answers them as Model). */
  typeModel: number;
  /** modelNumber in DeviceInformationX. */
  modelNumber: string;
  screenshot: 'png' | 'bmp';
  width: number;
  height: number;
  activeLoad: string;
  weight: number;
  /** The phone serves its web pages only over HTTPS (98xx), with a MIC-like certificate. */
  httpsOnly?: boolean;
}

export const PHONE_MODELS: readonly PhoneModel[] = [
  { model: 'Cisco 8845', typeModel: 36224, modelNumber: 'CP-8845', screenshot: 'png', width: 800, height: 480, activeLoad: 'sip8845_65.14-2-1-0101-18', weight: 30 },
  { model: 'Cisco 8865', typeModel: 36225, modelNumber: 'CP-8865', screenshot: 'png', width: 800, height: 480, activeLoad: 'sip8845_65.14-2-1-0101-18', weight: 10 },
  { model: 'Cisco 8851', typeModel: 684, modelNumber: 'CP-8851', screenshot: 'png', width: 800, height: 480, activeLoad: 'sip88xx.14-2-1-0101-18', weight: 15 },
  { model: 'Cisco 8841', typeModel: 683, modelNumber: 'CP-8841', screenshot: 'png', width: 800, height: 480, activeLoad: 'sip88xx.14-2-1-0101-18', weight: 15 },
  { model: 'Cisco 7841', typeModel: 622, modelNumber: 'CP-7841', screenshot: 'png', width: 396, height: 162, activeLoad: 'sip78xx.14-2-1-0101-18', weight: 15 },
  { model: 'Cisco 7821', typeModel: 621, modelNumber: 'CP-7821', screenshot: 'png', width: 396, height: 162, activeLoad: 'sip78xx.14-2-1-0101-18', weight: 8 },
  { model: 'Cisco 7965', typeModel: 436, modelNumber: 'CP-7965G', screenshot: 'bmp', width: 320, height: 222, activeLoad: 'SIP45.9-4-2SR4-3S', weight: 4 },
  { model: 'Cisco 9861', typeModel: 36347, modelNumber: 'DP-9861', screenshot: 'png', width: 1280, height: 720, activeLoad: 'sip9800.3-2-1-0001-1', weight: 6, httpsOnly: true },
  { model: 'Cisco 9871', typeModel: 36350, modelNumber: 'DP-9871', screenshot: 'png', width: 1280, height: 720, activeLoad: 'sip9800.3-2-1-0001-1', weight: 3, httpsOnly: true },
  { model: 'Cisco 7945', typeModel: 435, modelNumber: 'CP-7945G', screenshot: 'bmp', width: 320, height: 222, activeLoad: 'SIP45.9-4-2SR4-3S', weight: 3 },
];

const BY_MODEL = new Map(PHONE_MODELS.map((m) => [m.model, m]));

/** Facts for a model name; unknown models get the 8845's. */
export function phoneModel(model: string): PhoneModel {
  return BY_MODEL.get(model) ?? PHONE_MODELS[0]!;
}

/** Informix typeclass / typemodel names the SQL tables expose. */
export const TYPE_CLASSES: ReadonlyArray<[number, string]> = [[1, 'Phone'], [2, 'Gateway'], [18, 'Trunk'], [254, 'Device Profile']];
export const TRUNK_TYPE_MODEL = 131;
