import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';

export class SetConsentDto {
  @ApiProperty({ enum: ['conversation', 'inbox'] })
  @IsIn(['conversation', 'inbox'])
  entityType!: 'conversation' | 'inbox';

  @ApiProperty({
    description: 'A conversation id (entityType conversation) or an inbox id (64 hex, entityType inbox).',
  })
  @IsString()
  @MaxLength(200)
  entity!: string;

  @ApiProperty({ enum: ['allowed', 'denied', 'unknown'] })
  @IsIn(['allowed', 'denied', 'unknown'])
  state!: 'allowed' | 'denied' | 'unknown';
}
