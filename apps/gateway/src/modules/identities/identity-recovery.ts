import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { tenantScope } from '@mailroom/persistence';
import { IdentitiesService } from './identities.service.js';
import { InterruptedIdentitiesSystemRepository } from '../../system/index.js';

const BATCH = 100;

/**
 * Finishes identity creations that a crash interrupted (keys persisted, registration unconfirmed). The same keys and
 * database file lead to the same installation, so this never costs a second one. Runs in the background at start.
 */
@Injectable()
export class IdentityRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger('IdentityRecovery');

  constructor(
    private readonly interrupted: InterruptedIdentitiesSystemRepository,
    private readonly service: IdentitiesService,
  ) {}

  onApplicationBootstrap(): void {
    void this.resumeInterruptedCreations().catch((error: unknown) =>
      this.logger.error({ err: error }, 'resuming interrupted identity creations failed'),
    );
  }

  async resumeInterruptedCreations(): Promise<number> {
    const rows = await this.interrupted.oldestFirst(BATCH);
    let finished = 0;
    for (const row of rows) {
      try {
        await this.service.finishCreation(tenantScope(row.tenantId), row);
        finished += 1;
      } catch (error) {
        this.logger.warn(
          { identityId: row.id, err: error },
          'could not finish an interrupted identity creation; a retry will',
        );
      }
    }
    if (rows.length > 0) this.logger.log(`finished ${finished} of ${rows.length} interrupted identity creations`);
    return finished;
  }
}
