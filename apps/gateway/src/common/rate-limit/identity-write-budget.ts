import { Injectable } from '@nestjs/common';
import { isChargedFor } from './operation-charges.js';
import { RequestBudgets, type NetworkUse } from './request-budgets.js';

/**
 * Keeps an identity's network work under its share of XMTP's limits. Work done inside an operation was charged with the
 * operation's other budgets (one round trip); work outside one (broadcasts, background syncs) is charged here.
 */
@Injectable()
export class IdentityWriteBudget {
  constructor(private readonly budgets: RequestBudgets) {}

  async spend(identityId: string, use: NetworkUse, cost = 1): Promise<void> {
    if (isChargedFor(identityId)) return;
    await this.budgets.spendNetwork(identityId, use, cost);
  }
}
