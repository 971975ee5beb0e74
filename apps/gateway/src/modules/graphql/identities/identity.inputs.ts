import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

@ArgsType()
export class IdentitiesArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1–100 (default 50).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  first?: number;

  @Field(() => String, { nullable: true, description: '`pageInfo.endCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  after?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;
}

@InputType()
export class CreateIdentityInput {
  @Field(() => String, { nullable: true, description: 'Free text shown in lists and the dashboard.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @Field(() => String, { nullable: true, description: 'Your own id for this identity; unique per tenant.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
}
