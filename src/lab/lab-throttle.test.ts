import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RunningLab } from './start-lab.ts';
import { axl, basic, node, request } from './testing/lab-requests.ts';
import { startScratchLab, withScratchLab } from './testing/scratch-lab.ts';
import type { ScratchLab } from './testing/scratch-lab.ts';

describe('lab throttling as CUCM does it', () => {
  let scratch: ScratchLab;
  let lab: RunningLab;
  before(async () => {
    scratch = await startScratchLab('lab-throttle-', { seed: 3, phones: 400, faults: 'latency:300,axl:concurrency:2,axl:maxbytes:20000,ris:rate:3' });
    ({ lab } = scratch);
  });
  after(async () => { await scratch.close(); });

  test('too many AXL requests in flight get the memory-allocation fault', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => axl(lab.description, 'getCCMVersion', '')));
    const faults = answers.filter((a) => a.status === 500);
    assert.ok(faults.length >= 1 && faults.length <= 3, `faults: ${faults.length}`);
    assert.match(faults[0]!.text, /Maximum AXL Memory Allocation Consumed/);
    assert.match(faults[0]!.text, /<axlcode>-1<\/axlcode>/);
  });

  test('an answer over the size limit gets "Query request too large"', async () => {
    const r = await axl(lab.description, 'executeSQLQuery', '<sql>select name, description from device</sql>');
    assert.equal(r.status, 500);
    assert.match(r.text, /Query request too large\. Total rows matched: \d+ rows\. Suggestive Row Fetch: less than \d+ rows/);
    assert.equal((await axl(lab.description, 'executeSQLQuery', '<sql>select first 10 name from device</sql>')).status, 200);
  });

  test('RisPort70 refuses requests over the per-minute rate with Cisco\'s text', async () => {
    const pub = node(lab.description, 'cucm-pub');
    const body = '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Body><soap:selectCmDevice><soap:StateInfo/><soap:CmSelectionCriteria><soap:SelectBy>Name</soap:SelectBy></soap:CmSelectionCriteria></soap:selectCmDevice></soapenv:Body></soapenv:Envelope>';
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 4; i++) {
      const r = await request({ url: `https://${pub.host}:${pub.https_port}/realtimeservice2/services/RISService70`, method: 'POST', body, ca: readFileSync(lab.description.ca_bundle, 'utf8'), headers: { Authorization: basic(pub.username, pub.password), SOAPAction: 'selectCmDevice' } });
      statuses.push(r.status);
      last = r.text;
    }
    assert.deepEqual(statuses, [200, 200, 200, 500]);
    assert.match(last, /AxisFault: Exceeded allowed rate for Reatime information/);
  });
});

test('IM&P serves its AXL subset; namespace 1.0 without SOAPAction uses the oldest schema', async () => {
  await withScratchLab('lab-imp-', { seed: 4, phones: 5 }, async (lab) => {
    const v = await axl(lab.description, 'getCCMVersion', '', { host: 'imp-pub' });
    assert.equal(v.status, 200);
    const refused = await axl(lab.description, 'getPhone', `<name>${lab.description.phones[0]!.name}</name>`, { host: 'imp-pub' });
    assert.match(refused.text, /not supported on this node/);
    const old = await axl(lab.description, 'getCCMVersion', '', { version: '1.0', soapAction: null });
    assert.equal(old.status, 200);
    assert.match(old.text, /AXL\/API\/11\.0/, "CUCM applies its oldest schema, 11.0 (BEHAVIOUR.md §1)");
  });
});
