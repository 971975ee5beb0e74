import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { TenantScope } from '@mailroom/persistence';
import { Authenticated, CurrentPrincipal, CurrentTenant, type Principal } from '../../common/auth/index.js';
import { WalletRevokeDto, WalletSignatureDto } from './wallet-identity.dto.js';
import { WalletIdentitiesService } from './wallet-identities.service.js';
import { CompletedSignatureResponse, SignatureRequestResponse } from './dto/identity.response.js';

/** The signature half of wallet-owned identities (creation starts at POST /v1/identities with a `signer`). */
@ApiTags('identities')
@Controller('v1/identities/:id')
export class WalletIdentitiesController {
  constructor(private readonly wallets: WalletIdentitiesService) {}

  @Post('signature')
  @HttpCode(200)
  @Authenticated({ scope: 'identities', identityParam: 'id' })
  @ApiOperation({
    summary: "Complete a wallet-owned identity's pending creation or revocation with the wallet's signature.",
  })
  @ApiOkResponse({ type: CompletedSignatureResponse })
  @ApiConflictResponse({ description: 'CONFLICT: the identity waits for no signature' })
  @ApiUnprocessableEntityResponse({
    description: 'UNPROCESSABLE: the signature does not match the issued text or the request expired',
  })
  complete(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
    @Body() body: WalletSignatureDto,
  ) {
    return this.wallets.completeSignature(scope, actor, id, body.signature as `0x${string}`);
  }

  @Post('signature-request')
  @HttpCode(202)
  @Authenticated({ scope: 'identities' })
  @ApiOperation({
    summary:
      'The text the wallet must sign, again: the pending one, or a new one after it expired or the gateway restarted.',
  })
  @ApiAcceptedResponse({ type: SignatureRequestResponse })
  @ApiConflictResponse({ description: 'CONFLICT: the identity waits for no signature' })
  reissue(@CurrentTenant() scope: TenantScope, @Param('id') id: string) {
    return this.wallets.reissue(scope, id);
  }

  @Post('installations/revoke')
  @HttpCode(202)
  @Authenticated({ scope: 'identities' })
  @ApiOperation({
    summary: "Revoke installations of a wallet-owned identity's inbox: answers the text its wallet must sign.",
  })
  @ApiAcceptedResponse({ type: SignatureRequestResponse })
  @ApiConflictResponse({ description: 'CONFLICT: not a wallet-owned active identity' })
  revoke(@CurrentTenant() scope: TenantScope, @Param('id') id: string, @Body() body: WalletRevokeDto) {
    return this.wallets.requestRevocation(scope, id, body.installationIds);
  }
}
