export { embeddedIpv4, nonPublicReason } from './address-ranges.js';
export { OutboundAllowlist } from './outbound-allowlist.js';
export { OutboundPolicy, OutboundRefusedError, type HostResolver, type OutboundTarget } from './outbound-policy.js';
export { sendPinned, type PinnedRequest, type PinnedResponse } from './pinned-request.js';
export { checkedRegistrationUrl } from './checked-url.js';
