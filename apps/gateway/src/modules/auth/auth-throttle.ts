import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { AUTH_RATE_LIMITER, type RateLimitAttempt, type RateLimiter, type RateLimitRule } from './rate-limiter.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** One email from every IP together may fail this many times the per-pair limit: a distributed guesser stops, a stranger does not lock the owner out. */
export const EMAIL_CEILING_FACTOR = 10;
/** Reset mails one email address may receive per hour (a mailbox is not a target for floods). */
const RESET_MAILS_PER_EMAIL_PER_HOUR = 3;

/** Attempts that count until released: a right password releases them, so only failures remain. */
export interface Reservation {
  release(): Promise<void>;
}

/**
 * Rate limits of the unauthenticated and password-checking admin routes. Login failures count per (email, IP)
 * pair and per IP; the per-email ceiling is far higher, so nobody locks an admin out from their own address.
 */
@Injectable()
export class AuthThrottle {
  private readonly login: RateLimitRule;
  private readonly signupPerIp: RateLimitRule;

  constructor(
    @Inject(AUTH_RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(GATEWAY_RUNTIME) runtime: GatewayRuntime,
  ) {
    const { loginRateLimitPerMinute, signupRateLimitPerHour } = runtime.config.auth;
    this.login = { limit: loginRateLimitPerMinute, windowMs: MINUTE };
    this.signupPerIp = { limit: signupRateLimitPerHour, windowMs: HOUR };
  }

  /** One password guess at an email's account from `clientIp`. */
  loginAttempt(email: string, clientIp: string): Promise<Reservation> {
    return this.reserve('Too many login attempts', [
      [`login:pair:${email}\n${clientIp}`, this.login],
      [`login:ip:${clientIp}`, this.login],
      [`login:email:${email}`, { limit: this.login.limit * EMAIL_CEILING_FACTOR, windowMs: MINUTE }],
    ]);
  }

  /** One guess at a signed-in admin's current password (a stolen access token must not brute-force it). */
  passwordCheck(adminId: string, clientIp: string): Promise<Reservation> {
    return this.reserve('Too many password attempts', [
      [`password:pair:${adminId}\n${clientIp}`, this.login],
      [`login:ip:${clientIp}`, this.login],
    ]);
  }

  /** Presenting a one-time token (signup confirmation, password reset); failures count per IP. */
  tokenAttempt(clientIp: string): Promise<Reservation> {
    return this.reserve('Too many attempts', [[`token:ip:${clientIp}`, this.login]]);
  }

  async signup(clientIp: string): Promise<void> {
    await this.reserve('Too many signups from this address', [[`signup:ip:${clientIp}`, this.signupPerIp]]);
  }

  /** Per IP (429 when over); per email the answer stays the same and `false` means: send nothing. */
  async passwordResetRequest(email: string, clientIp: string): Promise<boolean> {
    await this.reserve('Too many password reset requests from this address', [
      [`reset:ip:${clientIp}`, this.signupPerIp],
    ]);
    const perEmail = await this.limiter.consume(`reset:email:${email}`, {
      limit: RESET_MAILS_PER_EMAIL_PER_HOUR,
      windowMs: HOUR,
    });
    return perEmail.allowed;
  }

  /** Counts one attempt on every key, or none when any key is full (a refused attempt spends nothing). */
  private async reserve(message: string, keys: readonly (readonly [string, RateLimitRule])[]): Promise<Reservation> {
    const attempts: RateLimitAttempt[] = await Promise.all(keys.map(([key, rule]) => this.limiter.consume(key, rule)));
    const release = async () => {
      await Promise.all(attempts.map((attempt) => attempt.release()));
    };
    if (attempts.every((attempt) => attempt.allowed)) return { release };
    await release();
    const retryAfterSeconds = Math.max(...attempts.map((attempt) => attempt.retryAfterSeconds));
    throw new DomainError(ErrorCode.RateLimited, `${message}; try again in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  }
}
