import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { AdminUserRepository, PrismaAdminUserRepository } from './admin-user.repository.js';
import { AdminUsersService } from './admin-users.service.js';
import { InvitationsService } from './invitations.service.js';

@Module({
  controllers: [AdminController],
  providers: [
    AdminUsersService,
    InvitationsService,
    { provide: AdminUserRepository, useClass: PrismaAdminUserRepository },
  ],
})
export class AdminModule {}
