/**
 * @module Cause codes in CDR origCause_value / destCause_value: ITU-T Q.850 (the values CUCM uses)
 * plus the CUCM-specific codes of the CDR Administration Guide ("Call Termination Cause Codes").
 */
export const Q850: Readonly<Record<number, string>> = {
  0: 'No error', 1: 'Unallocated (unassigned) number', 2: 'No route to specified transit network', 3: 'No route to destination',
  4: 'Send special information tone', 5: 'Misdialed trunk prefix', 6: 'Channel unacceptable', 7: 'Call awarded and being delivered in an established channel',
  8: 'Preemption', 9: 'Preemption, circuit reserved for reuse', 16: 'Normal call clearing', 17: 'User busy', 18: 'No user responding',
  19: 'No answer from user (user alerted)', 20: 'Subscriber absent', 21: 'Call rejected', 22: 'Number changed', 26: 'Non-selected user clearing',
  27: 'Destination out of order', 28: 'Invalid number format (address incomplete)', 29: 'Facility rejected', 30: 'Response to STATUS ENQUIRY',
  31: 'Normal, unspecified', 34: 'No circuit/channel available', 38: 'Network out of order', 39: 'Permanent frame mode connection out of service',
  40: 'Permanent frame mode connection operational', 41: 'Temporary failure', 42: 'Switching equipment congestion', 43: 'Access information discarded',
  44: 'Requested circuit/channel not available', 46: 'Precedence call blocked', 47: 'Resource unavailable, unspecified', 49: 'Quality of service not available',
  50: 'Requested facility not subscribed', 53: 'Service operation violated', 54: 'Incoming calls barred', 55: 'Incoming calls barred within CUG',
  57: 'Bearer capability not authorized', 58: 'Bearer capability not presently available', 62: 'Inconsistency in designated outgoing access information and subscriber class',
  63: 'Service or option not available, unspecified', 65: 'Bearer capability not implemented', 66: 'Channel type not implemented',
  69: 'Requested facility not implemented', 70: 'Only restricted digital information bearer capability is available', 79: 'Service or option not implemented, unspecified',
  81: 'Invalid call reference value', 82: 'Identified channel does not exist', 83: 'A suspended call exists, but this call identity does not',
  84: 'Call identity in use', 85: 'No call suspended', 86: 'Call having the requested call identity has been cleared', 87: 'User not member of CUG',
  88: 'Incompatible destination', 90: 'Destination number missing and DC not subscribed', 91: 'Invalid transit network selection',
  95: 'Invalid message, unspecified', 96: 'Mandatory information element is missing', 97: 'Message type non-existent or not implemented',
  98: 'Message not compatible with call state or message type non-existent or not implemented', 99: 'An information element or parameter does not exist or is not implemented',
  100: 'Invalid information element contents', 101: 'Message not compatible with call state', 102: 'Call ended on recovery on timer expiry',
  103: 'Parameter non-existent or not implemented - passed on', 110: 'Message with unrecognized parameter discarded', 111: 'Protocol error, unspecified',
  122: 'Precedence level exceeded', 123: 'Device not preemptable', 125: 'Out of bandwidth (Cisco)', 126: 'Call split (Cisco)', 127: 'Interworking, unspecified',
  129: 'Precedence out of bandwidth',
  // CUCM-specific values above the Q.850 range (CDR Administration Guide).
  262144: 'Conference drop any party / drop last conference party (CUCM)', 393216: 'Call split: call transferred or joined (CUCM)',
  458752: 'Conference full (CUCM)', 16777257: 'CCM_SIP_424_BAD_LOCATION_INFO (CUCM)', 33554453: 'CCM_SIP_PROXY_AUTHENTICATION_REQUIRED (CUCM)',
  67108864: 'Call Control Discovery PSTN failover (CUCM)',
};

/** The meaning of a cause code, or a clear "unknown" naming the value. */
export function causeMeaning(code: number): string {
  return Q850[code] ?? `Unknown cause code ${code}`;
}
