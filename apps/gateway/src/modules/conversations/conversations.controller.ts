import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentTenant } from '../../common/auth/index.js';
import { Idempotent } from '../../common/idempotency/index.js';
import { ConversationsService } from './conversations.service.js';
import {
  CanMessageDto,
  CreateDmDto,
  CreateGroupDto,
  GroupMetadataDto,
  ListConversationsQuery,
  MembersDto,
} from './dto/conversation.dto.js';
import {
  CanMessageResponse,
  ConversationPageResponse,
  ConversationResponse,
  MemberListResponse,
} from './dto/conversation.response.js';

const AUTH = { scope: 'messages', identityParam: 'id' } as const;

@ApiTags('conversations')
@Controller('v1/identities/:id')
@Authenticated(AUTH)
@ApiConflictResponse({ description: 'CONFLICT: the identity is not active, or it is no longer a member of the group' })
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post('can-message')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which addresses (≤ 100) can receive XMTP messages.' })
  @ApiOkResponse({ type: CanMessageResponse })
  canMessage(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: CanMessageDto) {
    return this.conversations.canMessage(scope, id, body);
  }

  @Get('conversations')
  @ApiOperation({
    summary:
      'List conversations, newest first. Default consent allowed+unknown; `?consent=unknown` is the requests view.',
  })
  @ApiOkResponse({ type: ConversationPageResponse })
  list(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Query() query: ListConversationsQuery) {
    return this.conversations.list(scope, id, query);
  }

  @Post('conversations/dm')
  @Idempotent()
  @ApiOperation({ summary: 'Open (or find) the DM with a peer, by address or inbox id.' })
  @ApiCreatedResponse({ type: ConversationResponse, description: 'The DM (an existing one is answered as is).' })
  createDm(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: CreateDmDto) {
    return this.conversations.createDm(scope, id, body);
  }

  @Post('conversations/group')
  @Idempotent()
  @ApiOperation({ summary: 'Create a group; the identity is its super admin.' })
  @ApiCreatedResponse({ type: ConversationResponse })
  createGroup(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: CreateGroupDto) {
    return this.conversations.createGroup(scope, id, body);
  }

  @Get('conversations/:cid')
  @ApiOperation({ summary: 'One conversation.' })
  @ApiOkResponse({ type: ConversationResponse })
  get(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string) {
    return this.conversations.get(scope, id, cid);
  }

  @Patch('conversations/:cid')
  @ApiOperation({ summary: "Update a group's name, description or image URL." })
  @ApiOkResponse({ type: ConversationResponse })
  update(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: GroupMetadataDto,
  ) {
    return this.conversations.update(scope, id, cid, body);
  }

  @Get('conversations/:cid/members')
  @ApiOperation({ summary: 'Members with their role (member, admin, super_admin).' })
  @ApiOkResponse({ type: MemberListResponse })
  members(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string) {
    return this.conversations.listMembers(scope, id, cid);
  }

  @Post('conversations/:cid/members')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Add members (addresses or inbox ids) to a group.' })
  @ApiOkResponse({ type: MemberListResponse, description: 'The members after the change.' })
  addMembers(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: MembersDto,
  ) {
    return this.conversations.addMembers(scope, id, cid, body);
  }

  @Delete('conversations/:cid/members')
  @ApiOperation({ summary: 'Remove members from a group.' })
  @ApiOkResponse({ type: MemberListResponse, description: 'The members after the change.' })
  removeMembers(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: MembersDto,
  ) {
    return this.conversations.removeMembers(scope, id, cid, body);
  }

  @Post('conversations/:cid/admins')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Grant admin status to members.' })
  @ApiOkResponse({ type: ConversationResponse })
  addAdmins(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: MembersDto,
  ) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'admin', grant: true });
  }

  @Delete('conversations/:cid/admins')
  @ApiOperation({ summary: 'Revoke admin status.' })
  @ApiOkResponse({ type: ConversationResponse })
  removeAdmins(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: MembersDto,
  ) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'admin', grant: false });
  }

  @Post('conversations/:cid/super-admins')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Grant super-admin status to members.' })
  @ApiOkResponse({ type: ConversationResponse })
  addSuperAdmins(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: MembersDto,
  ) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'super_admin', grant: true });
  }

  @Delete('conversations/:cid/super-admins')
  @ApiOperation({ summary: 'Revoke super-admin status.' })
  @ApiOkResponse({ type: ConversationResponse })
  removeSuperAdmins(
    @CurrentTenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('cid') cid: string,
    @Body() body: MembersDto,
  ) {
    return this.conversations.setRole(scope, id, cid, { members: body.members, role: 'super_admin', grant: false });
  }

  @Post('conversations/:cid/leave')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Leave a group (an admin client removes the identity); sending into it then answers 409.' })
  @ApiOkResponse({ type: ConversationResponse })
  leave(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Param('cid') cid: string) {
    return this.conversations.leave(scope, id, cid);
  }
}
