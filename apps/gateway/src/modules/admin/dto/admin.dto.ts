import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { AdminRole } from '@mailroom/persistence';
import { ADMIN_ROLES } from '../../../common/auth/index.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../auth/password-hasher.js';

export class InviteAdminDto {
  @ApiProperty({ example: 'colleague@acme.example' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: ADMIN_ROLES })
  @IsIn(ADMIN_ROLES)
  role!: AdminRole;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token from the invitation.' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ADMIN_ROLES })
  @IsIn(ADMIN_ROLES)
  role!: AdminRole;
}

export class AdminUserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ADMIN_ROLES }) role!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastLoginAt!: string | null;
}

export class AdminUserPageResponse {
  @ApiProperty({ type: [AdminUserResponse] }) items!: AdminUserResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class InvitationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Shown once. The invitee posts it to /v1/admin/invitations/accept. Null with ADMIN_EMAIL_VERIFICATION: it is mailed to the invitee.',
  })
  token!: string | null;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ADMIN_ROLES }) role!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
