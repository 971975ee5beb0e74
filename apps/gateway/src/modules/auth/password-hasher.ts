import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/**
 * OWASP's argon2id baseline (m = 19 MiB, t = 2, p = 1): about 60 ms a hash on one core of our machines.
 * Production and tests use the same cost.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification when there is no account, so timing does not reveal which emails exist. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('mailroom-timing-equaliser');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
