import { Body, Controller, HttpCode, Ip, Post, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { AuthService } from './auth.service.js';
import {
  ChangePasswordDto,
  ConfirmSignupDto,
  LoginDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshTokenDto,
  SignupDto,
} from './dto/credentials.dto.js';
import { SessionResponse, SignupPendingResponse, SignupResponse } from './dto/session.response.js';
import { PasswordResetService } from './password-reset.service.js';
import { RetryAfterInterceptor } from './retry-after.interceptor.js';
import { SignupService } from './signup.service.js';

/** The reply's status setter (Fastify). */
interface StatusReply {
  status(code: number): unknown;
}

@ApiTags('admin auth')
@Controller('v1/admin')
@UseInterceptors(RetryAfterInterceptor)
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly signups: SignupService,
    private readonly resets: PasswordResetService,
  ) {}

  @Post('signup')
  @ApiOperation({
    summary:
      'Create a tenant and its first admin (role owner); rate limited per client IP. With ADMIN_EMAIL_VERIFICATION, answers 202 for every address and mails a confirmation link.',
  })
  @ApiCreatedResponse({ type: SignupResponse })
  @ApiAcceptedResponse({ type: SignupPendingResponse })
  @ApiForbiddenResponse({ description: 'signup is closed (SIGNUP_ENABLED=false)' })
  @ApiConflictResponse({ description: 'without ADMIN_EMAIL_VERIFICATION: an admin with this email exists' })
  @ApiTooManyRequestsResponse({ description: 'too many signups from this address; see Retry-After' })
  async signup(@Body() body: SignupDto, @Ip() ip: string, @Res({ passthrough: true }) reply: StatusReply) {
    const answer = await this.signups.signup(body, ip);
    if ('status' in answer) reply.status(202);
    return answer;
  }

  @Post('signup/confirm')
  @ApiOperation({ summary: 'Use the link of a signup confirmation mail: creates the tenant and signs its owner in.' })
  @ApiCreatedResponse({ type: SignupResponse })
  @ApiNotFoundResponse({ description: 'unknown, used or expired confirmation' })
  confirmSignup(@Body() body: ConfirmSignupDto, @Ip() ip: string) {
    return this.signups.confirm(body.token, ip);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in with email and password; failures are rate limited per email and client IP, and per client IP.',
  })
  @ApiOkResponse({ type: SessionResponse })
  @ApiUnauthorizedResponse({ description: 'wrong email or password (one answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'too many attempts; see Retry-After' })
  login(@Body() body: LoginDto, @Ip() ip: string) {
    return this.auth.login(body, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old refresh token stops working.' })
  @ApiOkResponse({ type: SessionResponse })
  @ApiUnauthorizedResponse()
  refresh(@Body() body: RefreshTokenDto) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "End the session of a refresh token; the admin's access tokens stop working at once (other devices refresh).",
  })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Post('password')
  @HttpCode(200)
  @Authenticated({ write: false })
  @ApiOperation({ summary: 'Change your own password (any role). Every session ends; the answer is a fresh one.' })
  @ApiOkResponse({ type: SessionResponse })
  @ApiTooManyRequestsResponse({ description: 'too many wrong current passwords; see Retry-After' })
  changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto, @Ip() ip: string) {
    if (principal.type !== 'admin') throw new DomainError(ErrorCode.Forbidden, 'This route needs an admin login.');
    return this.auth.changePassword(principal, body, ip);
  }

  @Post('password-reset')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a one-time password reset link (1 h) if the address has an account. Always 202.' })
  @ApiAcceptedResponse({ description: 'No body: the same answer whether or not the address has an account.' })
  @ApiTooManyRequestsResponse({ description: 'too many requests from this address; see Retry-After' })
  async requestPasswordReset(@Body() body: PasswordResetRequestDto, @Ip() ip: string): Promise<void> {
    await this.resets.request(body.email, ip);
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the token of a reset mail; every session of the admin ends.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'unknown, used or expired reset token' })
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto, @Ip() ip: string): Promise<void> {
    await this.resets.confirm(body, ip);
  }
}
