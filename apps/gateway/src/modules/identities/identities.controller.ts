import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentPrincipal, CurrentTenant, type Principal } from '../../common/auth/index.js';
import { Idempotent, IdempotencyKey } from '../../common/idempotency/index.js';
import { ImportIdentityDto, ListIdentitiesQuery, MintIdentityTokenDto } from './dto/identity.dto.js';
import { IdentitiesService } from './identities.service.js';
import { CreateIdentityWithSignerDto } from './wallet-identity.dto.js';
import { WalletIdentitiesService } from './wallet-identities.service.js';
import {
  IdentityDetailResponse,
  IdentityPageResponse,
  IdentityResponse,
  IdentityTokenResponse,
  RevokedInstallationsResponse,
  SignatureRequestResponse,
} from './dto/identity.response.js';

/** The reply's status setter (Fastify); used where the answer is 202 for a wallet signature request. */
interface StatusReply {
  status(code: number): unknown;
}

@ApiTags('identities')
@Controller('v1/identities')
export class IdentitiesController {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly wallets: WalletIdentitiesService,
  ) {}

  @Post()
  @Authenticated({ scope: 'identities' })
  @Idempotent()
  @ApiOperation({
    summary:
      'Create a hosted identity: a new wallet, inbox and installation kept by Mailroom; with `signer`, the wallet stays with its owner (202 with the text to sign).',
  })
  @ApiCreatedResponse({
    type: IdentityResponse,
    description: 'A hosted (custodial) identity, registered on the network.',
  })
  @ApiAcceptedResponse({ type: SignatureRequestResponse, description: 'With `signer`: the text the wallet must sign.' })
  @ApiConflictResponse({ description: 'CONFLICT: an identity with this externalId exists' })
  async create(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateIdentityWithSignerDto,
    @Res({ passthrough: true }) reply: StatusReply,
    @IdempotencyKey() idempotencyKey?: string,
  ) {
    const { signer, ...rest } = body;
    if (!signer) return this.identities.create(scope, actor, rest, idempotencyKey);
    const answer = await this.wallets.create(scope, { ...rest, signer }, idempotencyKey);
    if (answer.status === 'pending_signature') reply.status(202);
    return answer;
  }

  @Post('import')
  @Authenticated({ scope: 'identities' })
  @Idempotent()
  @ApiOperation({ summary: "Host an existing wallet's inbox (adds one installation to it)." })
  @ApiCreatedResponse({ type: IdentityResponse })
  @ApiConflictResponse({ description: 'CONFLICT: an identity with this externalId exists' })
  import(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() actor: Principal,
    @Body() body: ImportIdentityDto,
    @IdempotencyKey() idempotencyKey?: string,
  ) {
    return this.identities.create(
      scope,
      actor,
      { ...body, privateKey: body.privateKey as `0x${string}` },
      idempotencyKey,
    );
  }

  @Get()
  @Authenticated({ scope: 'identities' })
  @ApiOperation({ summary: 'List identities (newest first), optionally by externalId or label.' })
  @ApiOkResponse({ type: IdentityPageResponse })
  list(@CurrentTenant() scope: TenantScope, @Query() query: ListIdentitiesQuery) {
    return this.identities.list(scope, query);
  }

  @Get(':id')
  @Authenticated({ scope: 'identities', identityParam: 'id' })
  @ApiOperation({ summary: 'An identity with its inbox state: installations (of 10) and identity updates (of 256).' })
  @ApiOkResponse({ type: IdentityDetailResponse })
  get(@CurrentTenant() scope: TenantScope, @Param('id') id: string) {
    return this.identities.get(scope, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scope: 'identities' })
  @ApiOperation({
    summary:
      'Revoke the installation on the network, delete its database and destroy its keys. A wallet-owned identity answers 202 with the revocation text its wallet must sign.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiAcceptedResponse({
    type: SignatureRequestResponse,
    description: 'A wallet-owned identity: the revocation text its wallet must sign.',
  })
  async delete(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<unknown> {
    const revocation = await this.wallets.beginDeletion(scope, id);
    if (revocation) {
      reply.status(202);
      return revocation;
    }
    await this.identities.delete(scope, actor, id);
    return undefined;
  }

  @Post(':id/tokens')
  // The token reaches the identity's messaging routes, so minting one needs what those routes need.
  @Authenticated({ scope: 'messages' })
  @ApiOperation({
    summary:
      'Mint a short-lived JWT (≤ 1 h) that lets a frontend act for this identity only. API keys need the `messages` scope.',
  })
  @ApiCreatedResponse({ type: IdentityTokenResponse })
  @ApiConflictResponse({ description: 'CONFLICT: the identity is not active' })
  mintToken(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: MintIdentityTokenDto) {
    return this.identities.mintToken(scope, id, body.ttlSeconds);
  }

  @Post(':id/installations/revoke-others')
  @HttpCode(200)
  @Authenticated({ scope: 'identities' })
  @ApiOperation({ summary: "Revoke every installation of the inbox except Mailroom's own." })
  @ApiOkResponse({ type: RevokedInstallationsResponse })
  @ApiConflictResponse({ description: 'CONFLICT: the identity is not active' })
  revokeOthers(@CurrentTenant() scope: TenantScope, @CurrentPrincipal() actor: Principal, @Param('id') id: string) {
    return this.identities.revokeOtherInstallations(scope, actor, id);
  }
}
