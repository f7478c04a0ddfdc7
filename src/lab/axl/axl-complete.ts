/**
 * @module A getPhone answer as full as CUCM's: every element the version's RPhone type declares, in
 * schema order (about 135 in 14.0), with what the lab stored and, for the rest, the values a
 * freshly added phone shows on CUCM (Ring, Use System Default, No Pending Operation …), empty
 * references as empty elements, empty containers (`<speeddials/>`), and each line complete
 * (ring settings, call info display, maxNumCalls 4 / busyTrigger 2, recording off …).
 *
 * The answer stays valid against the version's AXLSoap.xsd: a default the type does not accept is
 * left out rather than sent, so one table serves every schema version (an element a version lacks
 * is never written, a value its enumeration lacks never sent).
 */
import type { ComplexType, ElementDecl, Particle, SchemaModel, TypeDef } from '../../lib/xsd/schema-model.ts';
import { checkSimpleValue } from '../../lib/xsd/validate.ts';
import type { XObject, XValue } from '../../lib/xsd/xvalue.ts';
import { xObj, xText } from '../../lib/xsd/xvalue.ts';
import { phoneModel } from '../models.ts';

type Default = XValue | ((obj: XObject) => XValue | undefined);

/** Buttons per model (line and feature keys, without an expansion module). */
const BUTTONS: Record<string, string> = {
  'Cisco 8845': '5', 'Cisco 8865': '5', 'Cisco 8851': '5', 'Cisco 8841': '5', 'Cisco 7841': '4', 'Cisco 7821': '2', 'Cisco 7965': '6', 'Cisco 7945': '2',
  'Cisco 9861': '10', 'Cisco 9871': '32',
};

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '');
}

const DEFAULTS: Record<string, Record<string, Default>> = {
  RPhone: {
    networkLocation: 'Use System Default', networkHoldMohAudioSourceId: '', userHoldMohAudioSourceId: '',
    loadInformation: (o) => ({ '#text': phoneModel(xText(o.model)).activeLoad, '@special': 'false' }),
    versionStamp: (o) => `{${String(o['@uuid'] ?? '').replace(/[{}]/g, '').slice(0, 8).toUpperCase()}-0000-0000-0000-000000000001}`,
    traceFlag: 'false', mlppDomainId: '', mlppIndicationStatus: 'Off', preemption: 'Disabled', useTrustedRelayPoint: 'Default', retryVideoCallAsAudio: 'true',
    useDevicePoolCgpnTransformCss: 'true', sendGeoLocation: 'false', numberOfButtons: (o) => BUTTONS[xText(o.model)] ?? '2',
    ringSettingIdleBlfAudibleAlert: 'Default', ringSettingBusyBlfAudibleAlert: 'Default', userLocale: '', networkLocale: '', idleTimeout: '',
    loginUserId: '', enableExtensionMobility: 'false', loginTime: '', loginDuration: '', singleButtonBarge: 'Default', joinAcrossLines: 'Default',
    builtInBridgeStatus: 'Default', callInfoPrivacyStatus: 'Default', hlogStatus: 'On', ignorePresentationIndicators: 'false', packetCaptureMode: 'None',
    packetCaptureDuration: '0', allowCtiControlFlag: 'true', unattendedPort: 'false', requireDtmfReception: 'false', rfc2833Disabled: 'false',
    certificateOperation: 'No Pending Operation', authenticationMode: 'By Null String', keySize: '2048', keyOrder: 'RSA Only', ecKeySize: '384',
    authenticationString: '', certificateStatus: 'None', upgradeFinishTime: '', deviceMobilityMode: 'Default', remoteDevice: 'false', dndOption: 'Ringer Off',
    dndStatus: 'false', isActive: 'true', isDualMode: 'false', phoneSuite: 'Default', phoneServiceDisplay: 'Default', isProtected: 'false', mtpRequired: 'false',
    mtpPreferedCodec: '711ulaw', outboundCallRollover: 'No Rollover', hotlineDevice: 'false', alwaysUsePrimeLine: 'Default',
    alwaysUsePrimeLineForVoiceMessage: 'Default', deviceTrustMode: 'Not Trusted', earlyOfferSupportForVoiceCall: 'false', requireThirdPartyRegistration: 'false',
    blockIncomingCallsWhenRoaming: 'false', homeNetworkId: '', AllowPresentationSharingUsingBfcp: 'false', requireOffPremiseLocation: 'false',
    allowiXApplicableMedia: 'false', useDevicePoolCgpnIngressDN: 'true', msisdn: '', enableCallRoutingToRdWhenNoneIsActive: 'false', enableActivationID: 'false',
    activationIDStatus: '', allowMraMode: 'false',
    // Credentials are never handed back (SECRET_FIELDS); CUCM answers these empty.
    sshPwd: '', digestUser: '', sshUserId: '',
  },
  RPhoneLine: {
    ringSetting: 'Ring', consecutiveRingSetting: 'Use System Default', ringSettingIdlePickupAlert: 'Use System Default', ringSettingActivePickupAlert: 'Use System Default',
    displayAscii: (l) => ascii(xText(l.display)), e164Mask: '', dialPlanWizardId: '', mwlPolicy: 'Use System Policy', maxNumCalls: '4', busyTrigger: '2',
    callInfoDisplay: { callerName: 'true', callerNumber: 'false', redirectedNumber: 'false', dialedNumber: 'true' },
    recordingFlag: 'Call Recording Disabled', audibleMwi: 'Default', speedDial: '', partitionUsage: 'General', missedCallLogging: 'true',
    recordingMediaSource: 'Gateway Preferred',
  },
};

/** Would `v` be accepted as the content of an element of type `t`? (Simple content only; complex values are completed.) */
function accepts(t: TypeDef, v: XValue): boolean {
  if (t.kind === 'simple') return typeof v === 'string' && checkSimpleValue(t, v) === undefined;
  if (t.textType) {
    const text = typeof v === 'string' ? v : xText(v);
    return text === '' || checkSimpleValue(t.textType, text) === undefined;
  }
  return true;
}

function needsContent(p: Particle | undefined): boolean {
  if (!p || p.min === 0) return false;
  if (p.kind === 'element' || p.kind === 'any') return true;
  if (p.kind === 'choice') return p.items.every(needsContent);
  return p.items.some(needsContent);
}

/** What CUCM shows for an element nobody set: an empty string where the type takes one, an empty reference or container. */
function emptyFor(t: TypeDef): XValue | undefined {
  if (t.kind === 'simple') return checkSimpleValue(t, '') === undefined ? '' : undefined;
  if (t.textType) return '';
  return needsContent(t.particle) ? undefined : '';
}

function present(p: Particle, obj: XObject): boolean {
  if (p.kind === 'element') return obj[p.name] !== undefined;
  if (p.kind === 'any') return false;
  return p.items.some((i) => present(i, obj));
}

function elements(p: Particle | undefined, obj: XObject, out: ElementDecl[]): void {
  if (!p || p.kind === 'any') return;
  if (p.kind === 'element') { out.push(p); return; }
  if (p.kind === 'choice') { const hit = p.items.find((i) => present(i, obj)); if (hit) elements(hit, obj, out); return; }
  for (const i of p.items) elements(i, obj, out);
}

function completeObject(model: SchemaModel, t: ComplexType, obj: XObject): XObject {
  const out: XObject = {};
  for (const [k, v] of Object.entries(obj)) if (k.startsWith('@')) out[k] = v;
  const decls: ElementDecl[] = [];
  elements(t.particle, obj, decls);
  const defaults = DEFAULTS[t.name] ?? {};
  for (const d of decls) {
    const type = model.typeOf(d);
    let v: XValue | undefined = obj[d.name];
    if (v === undefined) {
      const def = defaults[d.name];
      const given = typeof def === 'function' ? def(obj) : def;
      v = given !== undefined && accepts(type, given) ? given : emptyFor(type);
    }
    if (v === undefined) continue;
    out[d.name] = complete(model, type, v);
  }
  return out;
}

/** `value` completed to the full shape of `type` (repeated elements each completed). */
export function complete(model: SchemaModel, type: TypeDef, value: XValue): XValue {
  if (type.kind === 'simple' || type.textType) return value;
  if (Array.isArray(value)) return value.map((x) => complete(model, type, x));
  const obj = xObj(value);
  if (!obj || Object.keys(obj).length === 0) return value;
  return completeObject(model, type, obj);
}

/** The stored phone as getPhone answers it without returnedTags: every RPhone element of this schema. */
export function completePhone(model: SchemaModel, phone: XObject): XObject {
  const t = model.namedType('RPhone');
  if (!t || t.kind !== 'complex') return phone;
  return completeObject(model, t, phone);
}
