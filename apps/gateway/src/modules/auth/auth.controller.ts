import { Body, Controller, HttpCode, Ip, Post, UseInterceptors } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthService } from './auth.service.js';
import { LoginDto, RefreshTokenDto, SignupDto } from './dto/credentials.dto.js';
import { SessionResponse, SignupResponse } from './dto/session.response.js';
import { RetryAfterInterceptor } from './retry-after.interceptor.js';

@ApiTags('admin auth')
@Controller('v1/admin')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @ApiOperation({ summary: 'Create a tenant and its first admin (role owner).' })
  @ApiCreatedResponse({ type: SignupResponse })
  @ApiForbiddenResponse({ description: 'signup is closed (SIGNUP_ENABLED=false)' })
  @ApiConflictResponse({ description: 'an admin with this email exists' })
  signup(@Body() body: SignupDto) {
    return this.auth.signup(body);
  }

  @Post('login')
  @HttpCode(200)
  @UseInterceptors(RetryAfterInterceptor)
  @ApiOperation({ summary: 'Log in with email and password; rate limited per email and per client IP.' })
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
  @ApiOperation({ summary: 'End the session of a refresh token. The access token lapses within its hour.' })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}
