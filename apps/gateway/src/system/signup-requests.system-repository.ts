import { Injectable } from '@nestjs/common';
import { PrismaClient, type AdminSignupRequest } from '@mailroom/persistence';

export interface NewSignupRequest {
  readonly email: string;
  readonly tenantName: string;
  readonly passwordHash: string;
  /** SHA-256 of the confirmation token; the token itself is never stored. */
  readonly tokenHash: string;
  readonly expiresAt: Date;
}

/** SYSTEM (no tenant yet): signups waiting for their email confirmation; the tenant exists once one is confirmed. */
export abstract class SignupRequestsSystemRepository {
  abstract create(request: NewSignupRequest): Promise<void>;
  abstract findByTokenHash(tokenHash: string): Promise<AdminSignupRequest | null>;
  /** Marks it used unless it already was; false when another request won. */
  abstract markUsed(id: string, at: Date): Promise<boolean>;
  abstract deleteExpired(now: Date): Promise<void>;
}

@Injectable()
export class PrismaSignupRequestsSystemRepository extends SignupRequestsSystemRepository {
  constructor(private readonly prisma: PrismaClient) {
    super();
  }

  async create(request: NewSignupRequest): Promise<void> {
    await this.prisma.adminSignupRequest.create({ data: request });
  }

  findByTokenHash(tokenHash: string): Promise<AdminSignupRequest | null> {
    return this.prisma.adminSignupRequest.findUnique({ where: { tokenHash } });
  }

  async markUsed(id: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.adminSignupRequest.updateMany({
      where: { id, usedAt: null },
      data: { usedAt: at },
    });
    return count > 0;
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.prisma.adminSignupRequest.deleteMany({ where: { expiresAt: { lt: now } } });
  }
}
