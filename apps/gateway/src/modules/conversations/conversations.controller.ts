import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { Idempotent } from '../../common/idempotency/index.js';
import { ConversationsService } from './conversations.service.js';
import { CanMessageDto, CreateDmDto, CreateGroupDto, GroupMetadataDto, ListConversationsQuery, MembersDto } from './dto/conversation.dto.js';

const AUTH = { scope: 'messages', identityParam: 'id' } as const;

@ApiTags('conversations')
@Controller('v1/identities/:id')
@Authenticated(AUTH)
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post('can-message')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which addresses (≤ 100) can receive XMTP messages.' })
  canMessage(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: CanMessageDto) {
    return this.conversations.canMessage(scope, id, body);
  }

  @Get('conversations')
  @ApiOperation({ summary: 'List conversations, newest first. Default consent allowed+unknown; `?consent=unknown` is the requests view.' })
  list(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Query() query: ListConversationsQuery) {
    return this.conversations.list(scope, id, query);
  }

  @Post('conversations/dm')
  @Idempotent()
  @ApiOperation({ summary: 'Open (or find) the DM with a peer, by address or inbox id.' })
  createDm(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: CreateDmDto) {
    return this.conversations.createDm(scope, id, body);
  }

  @Post('conversations/group')
  @Idempotent()
  @ApiOperation({ summary: 'Create a group; the identity is its super admin.' })
  createGroup(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: CreateGroupDto) {
    return this.conversations.createGroup(scope, id, body);
  }

  @Get('conversations/:cid')
  @ApiOperation({ summary: 'One conversation.' })
  get(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string) {
    return this.conversations.get(scope, id, cid);
  }

  @Patch('conversations/:cid')
  @ApiOperation({ summary: "Update a group's name, description or image URL." })
  update(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: GroupMetadataDto) {
    return this.conversations.update(scope, id, cid, body);
  }

  @Get('conversations/:cid/members')
  @ApiOperation({ summary: 'Members with their role (member, admin, super_admin).' })
  members(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string) {
    return this.conversations.listMembers(scope, id, cid);
  }

  @Post('conversations/:cid/members')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Add members (addresses or inbox ids) to a group.' })
  addMembers(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: MembersDto) {
    return this.conversations.addMembers(scope, id, cid, body);
  }

  @Delete('conversations/:cid/members')
  @ApiOperation({ summary: 'Remove members from a group.' })
  removeMembers(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: MembersDto) {
    return this.conversations.removeMembers(scope, id, cid, body);
  }

  @Post('conversations/:cid/admins')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Grant admin status to members.' })
  addAdmins(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: MembersDto) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'admin', grant: true });
  }

  @Delete('conversations/:cid/admins')
  @ApiOperation({ summary: 'Revoke admin status.' })
  removeAdmins(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: MembersDto) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'admin', grant: false });
  }

  @Post('conversations/:cid/super-admins')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Grant super-admin status to members.' })
  addSuperAdmins(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: MembersDto) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'super_admin', grant: true });
  }

  @Delete('conversations/:cid/super-admins')
  @ApiOperation({ summary: 'Revoke super-admin status.' })
  removeSuperAdmins(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string, @Body() body: MembersDto) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'super_admin', grant: false });
  }

  @Post('conversations/:cid/leave')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Leave a group (an admin client removes the identity); sending into it then answers 409.' })
  leave(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string) {
    return this.conversations.leave(scope, id, cid);
  }
}
