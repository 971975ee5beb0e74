import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { dashboardDistDir, isDashboardBuilt } from './dashboard-files.js';
import { mountDashboard } from './dashboard-routes.js';

/** The tenant admin dashboard (apps/dashboard, built to static files) at /admin. It uses the public /v1 API only. */
@Module({})
export class DashboardModule implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const distDir = dashboardDistDir();
    const built = isDashboardBuilt(distDir);
    if (!built) this.logger.warn(`dashboard is not built (${distDir}); /admin answers 503 until \`npm run build\``);
    await mountDashboard(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), built ? distDir : null);
  }
}
