import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { CreateIdentityDto } from './dto/identity.dto.js';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';

export class WalletSignerDto {
  @ApiProperty({
    enum: ['eoa', 'scw'],
    description: 'eoa: an externally owned account; scw: a smart contract wallet (XIP-44).',
  })
  @IsIn(['eoa', 'scw'])
  type!: 'eoa' | 'scw';

  @ApiProperty({ description: 'The wallet address (0x + 40 hex).' })
  @IsString()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'address must be 0x followed by 40 hex characters' })
  address!: string;

  @ApiPropertyOptional({ description: 'Chain id of a smart contract wallet (required for scw).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  chainId?: number;
}

/** POST /v1/identities: a `signer` turns it into a wallet-owned creation. */
export class CreateIdentityWithSignerDto extends CreateIdentityDto {
  @ApiPropertyOptional({
    type: WalletSignerDto,
    description: 'Keep the wallet with its owner: the answer is the text the wallet must sign.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => WalletSignerDto)
  signer?: WalletSignerDto;
}

export class WalletSignatureDto {
  @ApiProperty({ description: "The wallet's signature of the issued text (0x hex; EIP-191 personal_sign for an EOA)." })
  @IsString()
  @Matches(/^0x(?:[0-9a-fA-F]{2}){1,4096}$/, { message: 'signature must be 0x-prefixed hex' })
  signature!: string;
}

export class WalletRevokeDto {
  @ApiProperty({
    description:
      "Installation ids (hex) of the inbox to revoke; may include the identity's own (that deletes the identity).",
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(/^[0-9a-fA-F]{2,128}$/, { each: true, message: 'each installation id must be hex' })
  installationIds!: string[];
}
