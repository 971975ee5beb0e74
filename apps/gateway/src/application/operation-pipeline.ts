import { Injectable } from '@nestjs/common';
import { authorize } from '../common/auth/index.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { BudgetExceededError, RequestBudgets, runChargedFor, type BudgetStanding } from '../common/rate-limit/index.js';
import type { OperationCall, OperationOutcome } from './operation.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OperationObserver {
  /** The budget closest to running out after the charge (also when refused), for `RateLimit-*` headers. */
  onBudget?(standing: BudgetStanding): void;
}

/**
 * The one road every operation takes, whatever transport it came by (REST, GraphQL over HTTP, graphql-ws):
 * scope and role → request and network budgets (one round trip) → idempotency → the service. Replica ownership is
 * settled before, at the transport edge, where the raw request can still be forwarded to the replica holding the
 * identity (modules/replicas); a call that gets here is served here.
 */
@Injectable()
export class OperationPipeline {
  constructor(
    private readonly budgets: RequestBudgets,
    private readonly idempotency: IdempotencyService,
  ) {}

  async run<T>(
    call: OperationCall,
    execute: () => Promise<T>,
    observer: OperationObserver = {},
  ): Promise<OperationOutcome<T>> {
    const { principal, policy, params } = call;
    if (!policy.anyCredential)
      authorize(principal, { ...policy, write: call.write }, { method: call.write ? 'POST' : 'GET', params });

    const identityId = identityNamed(call);
    await this.charge(call, identityId, observer);

    const run = () => runChargedFor(identityId, execute);
    const idempotency = call.idempotency;
    if (!idempotency) return { value: await run(), replayed: false };

    const scope = principal.scope;
    const claim = await this.idempotency.claim(scope, call.name, idempotency.key, idempotency.fingerprint);
    if (claim.kind === 'replay') return { value: claim.response.body as T, replayed: true };
    let value: T;
    try {
      value = await run();
    } catch (error) {
      await this.idempotency.abandon(scope, claim.recordId);
      throw error;
    }
    await this.idempotency.complete(scope, claim.recordId, { status: idempotency.status, body: asStoredJson(value) });
    return { value, replayed: false };
  }

  private async charge(
    call: OperationCall,
    identityId: string | undefined,
    observer: OperationObserver,
  ): Promise<void> {
    try {
      const standing = await this.budgets.charge({
        principal: call.principal,
        cost: call.cost ?? (call.write ? 2 : 1),
        identity: identityId ? { id: identityId, use: call.write ? 'write' : 'read' } : undefined,
      });
      observer.onBudget?.(standing);
    } catch (error) {
      if (error instanceof BudgetExceededError) observer.onBudget?.(error.standing);
      throw error;
    }
  }
}

function identityNamed(call: OperationCall): string | undefined {
  const value = call.policy.identityParam ? call.params[call.policy.identityParam] : undefined;
  return value && UUID.test(value) ? value : undefined;
}

/** Answers are stored as JSON, as a client would read them. */
function asStoredJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}
