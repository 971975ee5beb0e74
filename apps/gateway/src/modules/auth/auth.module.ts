import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { Authenticator, AuthenticationGuard } from '../../common/auth/index.js';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AdminCredentialRepository, PrismaAdminCredentialRepository } from './admin-credential.repository.js';
import { AdminSessionService } from './admin-session.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialAuthenticator } from './credential-authenticator.js';
import { IdentityTokenService } from './identity-token.service.js';
import { JwtStrategy } from './jwt.strategy.js';
import { PasswordHasher } from './password-hasher.js';
import { MailModule } from '../mail/index.js';
import { AdminMail } from './admin-mail.js';
import { AuthThrottle } from './auth-throttle.js';
import { PasswordResetService } from './password-reset.service.js';
import { AUTH_RATE_LIMITER, InMemoryRateLimiter, RedisRateLimiter } from './rate-limiter.js';
import { SignupService } from './signup.service.js';
import { JWT_ALGORITHM } from './token-claims.js';

/**
 * Admin signup, login and sessions, and the credential check behind `@Authenticated()`. Global, so any
 * feature's controller can use the guard and any service can mint identity tokens.
 */
@Global()
@Module({
  imports: [
    TenantsModule,
    MailModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [GATEWAY_RUNTIME],
      useFactory: (runtime: GatewayRuntime) => ({
        secret: runtime.jwtSecret,
        signOptions: { algorithm: JWT_ALGORITHM },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    { provide: AdminCredentialRepository, useClass: PrismaAdminCredentialRepository },
    AuthService,
    SignupService,
    PasswordResetService,
    AuthThrottle,
    AdminMail,
    AdminSessionService,
    PasswordHasher,
    JwtStrategy,
    IdentityTokenService,
    CredentialAuthenticator,
    { provide: Authenticator, useExisting: CredentialAuthenticator },
    AuthenticationGuard,
    {
      // Shared by every replica when Redis is there; otherwise one process is the whole deployment.
      provide: AUTH_RATE_LIMITER,
      inject: [GATEWAY_RUNTIME],
      useFactory: (runtime: GatewayRuntime) =>
        runtime.redis
          ? new RedisRateLimiter(runtime.redis, `auth-limit:${runtime.jwtSecret}`)
          : new InMemoryRateLimiter(),
    },
  ],
  exports: [Authenticator, AuthenticationGuard, IdentityTokenService, AdminSessionService, PasswordHasher, AdminMail],
})
export class AuthModule {}
