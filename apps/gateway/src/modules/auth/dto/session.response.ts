import { ApiProperty } from '@nestjs/swagger';

export class SessionResponse {
  @ApiProperty({ description: 'Admin JWT (HS256, `typ: "admin"`), valid for `expiresIn` seconds.' })
  accessToken!: string;
  @ApiProperty({ description: 'Opaque; exchange at /v1/admin/refresh. Single use.' }) refreshToken!: string;
  @ApiProperty({ example: 3600 }) expiresIn!: number;
}

class TenantRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

class AdminRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
}

export class SignupResponse extends SessionResponse {
  @ApiProperty({ type: TenantRef }) tenant!: TenantRef;
  @ApiProperty({ type: AdminRef }) admin!: AdminRef;
}

export class SignupPendingResponse {
  @ApiProperty({
    enum: ['confirmation_sent'],
    description: 'With ADMIN_EMAIL_VERIFICATION: the same answer for every address; the mail says what happens next.',
  })
  status!: 'confirmation_sent';
}
