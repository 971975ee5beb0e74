import { ApiProperty } from '@nestjs/swagger';

export class ConsentRecordResponse {
  @ApiProperty({ enum: ['conversation', 'inbox'], example: 'conversation' })
  entityType!: string;

  @ApiProperty({ description: 'A conversation id or an inbox id.', example: '9a0e5c1f2b3d4e5f60718293a4b5c6d7' })
  entity!: string;

  @ApiProperty({ enum: ['allowed', 'denied', 'unknown'], example: 'allowed' })
  state!: string;
}

export class ConsentListResponse {
  @ApiProperty({ type: [ConsentRecordResponse] })
  items!: ConsentRecordResponse[];
}
