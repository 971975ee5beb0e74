import { createHmac } from 'node:crypto';

/** Hand-made HS256 tokens, for the cases the gateway never issues itself (already expired). */
export const SignJWT = {
  async identityToken(secret: string, identityId: string, tenantId: string, expiresInSeconds: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = encode({ alg: 'HS256', typ: 'JWT' });
    const payload = encode({
      typ: 'identity',
      sub: identityId,
      tid: tenantId,
      iat: now - 120,
      exp: now + expiresInSeconds,
    });
    const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  },
};
