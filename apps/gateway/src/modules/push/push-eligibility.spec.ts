import { describe, expect, it } from '@jest/globals';
import { shouldPush } from './push-eligibility.js';

describe('shouldPush', () => {
  it('pushes conversational content and stays silent for housekeeping and unknown types', () => {
    const type = (typeId: string, authorityId = 'xmtp.org') => ({ authorityId, typeId });
    expect(shouldPush(type('text'))).toBe(true);
    expect(shouldPush(type('reply'))).toBe(true);
    expect(shouldPush(type('remoteStaticAttachment'))).toBe(true);
    expect(shouldPush(type('reaction'))).toBe(false);
    expect(shouldPush(type('readReceipt'))).toBe(false);
    expect(shouldPush(type('group_updated'))).toBe(false);
    expect(shouldPush(type('text', 'example.com'))).toBe(false);
    expect(shouldPush(null)).toBe(false);
  });
});
