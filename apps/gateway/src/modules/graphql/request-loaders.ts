import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { TenantScope } from '@mailroom/persistence';
import { IdentitiesService } from '../identities/identities.service.js';
import type { InboxStateView } from '../identities/identity.presenter.js';

/**
 * The DataLoaders of one GraphQL request. Each loader collects the keys asked for in one tick of field resolution
 * and answers them with one batch; results are cached for the rest of the request only.
 */
export class RequestLoaders {
  private readonly byName = new Map<string, DataLoader<never, unknown>>();

  constructor(private readonly services: LoaderServices) {}

  /** `Identity.inboxState` for identity ids of one tenant. */
  inboxStates(scope: TenantScope): DataLoader<string, InboxStateView | null> {
    return this.loader(`inboxStates:${scope.tenantId}`, (ids: readonly string[]) => this.services.inboxStates(scope, ids));
  }

  private loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>): DataLoader<K, V> {
    let loader = this.byName.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch, { maxBatchSize: 100 });
      this.byName.set(name, loader as DataLoader<never, unknown>);
    }
    return loader;
  }
}

/** The batch calls behind the loaders: one call per batch of keys, each key answered in order (or with its error). */
@Injectable()
export class LoaderServices {
  /** Counts batches per loader, so tests and metrics can see that N fields made one call. */
  readonly batchCalls = new Map<string, number>();

  constructor(private readonly identities: IdentitiesService) {}

  async inboxStates(scope: TenantScope, ids: readonly string[]): Promise<(InboxStateView | null | Error)[]> {
    this.count('inboxStates');
    return Promise.all(
      ids.map((id) =>
        this.identities.get(scope, id).then(
          (identity) => identity.inboxState,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
      ),
    );
  }

  createRequestLoaders(): RequestLoaders {
    return new RequestLoaders(this);
  }

  private count(name: string): void {
    this.batchCalls.set(name, (this.batchCalls.get(name) ?? 0) + 1);
  }
}
