/** @module Unity Connection objects of the lab: a mailbox per CUCM user plus the system objects. */
import type { AxlStore } from './axl-store.ts';
import type { CupiData, CupiObject } from './lab-data.ts';
import type { Prng } from './prng.ts';
import { xText } from '../lib/xsd/xvalue.ts';

const MAX_MAILBOXES = 50_000;

/** CUPI URIs and ids of one user, in the field order Cisco's samples show. */
export function cupiUser(ids: { objectId: string; handler: string; cos: string; location: string; partition: string; media: string }, u: { alias: string; first: string; last: string; ext: string; email: string }): CupiObject {
  const base = `/vmrest/users/${ids.objectId}`;
  return {
    URI: base, ObjectId: ids.objectId, FirstName: u.first, LastName: u.last, Alias: u.alias, DisplayName: `${u.first} ${u.last}`.trim(),
    EmailAddress: u.email, TimeZone: '190', CreationTime: '2024-01-15T09:00:00Z', CosObjectId: ids.cos, CosURI: `/vmrest/coses/${ids.cos}`,
    Language: '1033', LocationObjectId: ids.location, LocationURI: `/vmrest/locations/connectionlocations/${ids.location}`,
    ListInDirectory: 'true', IsVmEnrolled: 'false', MediaSwitchObjectId: ids.media, PhoneSystemURI: `/vmrest/phonesystems/${ids.media}`,
    CallHandlerObjectId: ids.handler, CallhandlerURI: `/vmrest/handlers/callhandlers/${ids.handler}`, DtmfAccessId: u.ext,
    VoiceNameRequired: 'false', PartitionObjectId: ids.partition, PartitionURI: `/vmrest/partitions/${ids.partition}`, Inactive: 'false',
    MwisURI: `${base}/mwis`, NotificationDevicesURI: `${base}/notificationdevices`, MessageHandlersURI: `${base}/messagehandlers`,
    AlternateExtensionsURI: `${base}/alternateextensions`, PrivateListsURI: `${base}/privatelists`,
    UserWebPasswordURI: `${base}/credential/password`, UserVoicePinURI: `${base}/credential/pin`, UserRoleURI: `${base}/userroles`,
    MailboxStoreName: 'Unity Messaging Database -1',
  };
}

export function cupiHandler(objectId: string, name: string, ext: string, ids: { location: string; schedule: string }): CupiObject {
  return {
    URI: `/vmrest/handlers/callhandlers/${objectId}`, ObjectId: objectId, DisplayName: name, DtmfAccessId: ext, IsPrimary: 'false',
    LocationObjectId: ids.location, LocationURI: `/vmrest/locations/connectionlocations/${ids.location}`, ScheduleSetObjectId: ids.schedule,
    ScheduleSetURI: `/vmrest/schedulesets/${ids.schedule}`, Language: '1033', Undeletable: 'false', MaxMsgLen: '300',
  };
}

export function buildCupiData(store: AxlStore, rng: Prng): CupiData {
  const ids = { cos: rng.uuid(), location: rng.uuid(), partition: rng.uuid(), media: rng.uuid() };
  const schedules: CupiObject[] = ['Weekdays', 'All Hours', 'Voice Recognition Update Schedule'].map((name, i) => {
    const id = rng.uuid();
    return {
      URI: `/vmrest/schedulesets/${id}`, ObjectId: id, DisplayName: name, OwnerLocationObjectId: ids.location,
      OwnerLocationURI: `/vmrest/locations/connectionlocations/${ids.location}`, Undeletable: i < 2 ? 'true' : 'false',
      ScheduleSetMemberURI: `/vmrest/schedulesets/${id}/schedulesetmembers`,
    };
  });
  const schedule = schedules[0]!.ObjectId!;
  const handlers: CupiObject[] = [['Opening Greeting', ''], ['Operator', '0'], ['Goodbye', '']].map(([n, e]) => {
    const h = cupiHandler(rng.uuid(), n!, e!, { location: ids.location, schedule });
    h.Undeletable = 'true';
    return h;
  });
  const users: CupiObject[] = [];
  const system = [['undeliverablemessagesmailbox', 'Undeliverable', 'Messages', '99999'], ['operator', '', 'Operator', '99990']];
  for (const [alias, first, last, ext] of system) {
    const handler = rng.uuid();
    users.push(cupiUser({ ...ids, objectId: rng.uuid(), handler }, { alias: alias!, first: first!, last: last!, ext: ext!, email: '' }));
  }
  for (const u of store.all('User').slice(0, MAX_MAILBOXES)) {
    const handler = rng.uuid();
    const first = xText(u.firstName);
    const last = xText(u.lastName);
    const ext = xText(u.telephoneNumber);
    users.push(cupiUser({ ...ids, objectId: rng.uuid(), handler }, { alias: xText(u.userid), first, last, ext, email: xText(u.mailid) }));
    const h = cupiHandler(handler, `${first} ${last}`, ext, { location: ids.location, schedule });
    h.IsPrimary = 'true';
    handlers.push(h);
  }
  const lists: CupiObject[] = [['allvoicemailusers', 'All Voice Mail Users'], ['undeliverablemessages', 'Undeliverable Messages'], ['allvoicemailenabledcontacts', 'All Voicemail-Enabled Contacts']].map(([alias, name]) => {
    const id = rng.uuid();
    return {
      URI: `/vmrest/distributionlists/${id}`, ObjectId: id, Alias: alias!, DisplayName: name!, AllowContacts: 'false',
      AllowForeignMessage: 'false', IsPublic: 'true', Undeletable: 'true', LocationObjectId: ids.location,
      DistributionListMembersURI: `/vmrest/distributionlists/${id}/distributionlistmembers`,
    };
  });
  return { users, callhandlers: handlers, distributionlists: lists, schedulesets: schedules };
}
