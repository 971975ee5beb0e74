import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password-hasher.js';

export class SignupDto {
  @ApiProperty({ example: 'Acme Inc.', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  tenantName!: string;

  @ApiProperty({ example: 'ops@acme.example' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ops@acme.example' })
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token from signup, login or the previous refresh.' })
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}
