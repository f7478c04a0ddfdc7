/**
 * @module The AXL operations an IM&Presence node answers. IM&P serves a small subset of the CUCM
 * AXL schema on its own /axl/ (its version, SQL on the IM&P database, end users); provisioning of
 * users, devices and lines happens on CUCM. The lab's IM&P node serves the same set
 * (lab/node-https.ts `IMP_AXL_OPS`; mcp/tools/agent-ergonomics.test.ts keeps the two equal).
 */
export const IMP_AXL_OPERATIONS: readonly string[] = ['getCCMVersion', 'executeSQLQuery', 'executeSQLUpdate', 'listUser', 'getUser'];

export const IMP_AXL_HINT = `IM&P answers only part of AXL (${IMP_AXL_OPERATIONS.join(', ')}); provision users, devices and lines on CUCM with cucm_axl_request, and read IM&P data with executeSQLQuery`;
