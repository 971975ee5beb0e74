import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import {
  Authenticated,
  CurrentPrincipal,
  CurrentTenant,
  type AdminPrincipal,
  type Principal,
} from '../../common/auth/index.js';
import { DomainError, ErrorCode } from '../../common/errors/index.js';
import { SessionResponse } from '../auth/dto/session.response.js';
import { AdminUsersService } from './admin-users.service.js';
import {
  AcceptInvitationDto,
  AdminUserPageResponse,
  AdminUserResponse,
  ChangeRoleDto,
  InvitationResponse,
  InviteAdminDto,
} from './dto/admin.dto.js';
import { InvitationsService } from './invitations.service.js';

const adminNotFound = () => new DomainError(ErrorCode.NotFound, 'Admin user not found.');

/** Routes without a scope admit admin JWTs only, so the principal is an admin here. */
function asAdmin(principal: Principal): AdminPrincipal {
  if (principal.type !== 'admin') throw new DomainError(ErrorCode.Forbidden, 'This route needs an admin login.');
  return principal;
}

@ApiTags('admin users')
@Controller('v1/admin')
export class AdminController {
  constructor(
    private readonly users: AdminUsersService,
    private readonly invitations: InvitationsService,
  ) {}

  @Get('users')
  @Authenticated()
  @ApiOperation({ summary: 'List the tenant’s admins (any role).' })
  @ApiOkResponse({ type: AdminUserPageResponse })
  list(@CurrentTenant() scope: TenantScope) {
    return this.users.list(scope);
  }

  @Patch('users/:id')
  @Authenticated()
  @ApiOperation({
    summary: 'Change an admin’s role (owner or admin; only an owner touches the owner role; one owner always remains).',
  })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiNotFoundResponse()
  changeRole(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: adminNotFound })) id: string,
    @Body() body: ChangeRoleDto,
  ) {
    return this.users.changeRole(scope, asAdmin(principal), id, body.role);
  }

  @Delete('users/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Remove an admin (never the last owner).' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: adminNotFound })) id: string,
  ): Promise<void> {
    await this.users.remove(scope, asAdmin(principal), id);
  }

  @Post('leave')
  @HttpCode(204)
  // Leaving touches only the caller's own account, which a viewer may do too (like changing its password).
  @Authenticated({ write: false })
  @ApiOperation({
    summary:
      'Leave this tenant: deletes the signed-in admin’s account and ends every session of it (admin login, any role). The last owner cannot leave (409): make another admin owner first.',
  })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'the caller is the tenant’s last owner' })
  async leave(@CurrentTenant() scope: TenantScope, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.users.leave(scope, asAdmin(principal));
  }

  @Post('invitations')
  @Authenticated()
  @ApiOperation({ summary: 'Invite an admin. The token is in this answer only.' })
  @ApiCreatedResponse({ type: InvitationResponse })
  invite(@CurrentTenant() scope: TenantScope, @CurrentPrincipal() principal: Principal, @Body() body: InviteAdminDto) {
    return this.invitations.invite(scope, asAdmin(principal), body);
  }

  @Post('invitations/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: sets the password and signs the new admin in.' })
  @ApiOkResponse({ type: SessionResponse })
  @ApiNotFoundResponse({ description: 'unknown, used or expired invitation' })
  accept(@Body() body: AcceptInvitationDto) {
    return this.invitations.accept(body);
  }
}
