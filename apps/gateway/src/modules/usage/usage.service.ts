import { Inject, Injectable } from '@nestjs/common';
import { IdentityStatus, type TenantScope } from '@mailroom/persistence';
import { GATEWAY_RUNTIME, type GatewayRuntime } from '../../runtime.js';
import { UsageRepository } from './usage.repository.js';
import { lastDays, USAGE_WINDOW_DAYS, utcDay, type UsageMetric } from './usage-metrics.js';

/** Installations at or above this count raise an alert (an inbox allows 10). */
const INSTALLATION_ALERT_THRESHOLD = 8;
const INSTALLATION_BUDGET_ACTION = 'identity.installation_budget';

export interface UsageSummary {
  window: { from: string; to: string; days: number };
  daily: { day: string; messagesSent: number; messagesReceived: number }[];
  totals: { messagesSent: number; messagesReceived: number };
  identities: { total: number; active: number; broken: number };
  /** Identities of this tenant with an open XMTP client in this gateway process. */
  liveClients: number;
  webhooks: { succeeded: number; failed: number; successRate: number | null };
  installationAlerts: {
    identityId: string;
    label: string | null;
    installationCount: number;
    installationLimit: number;
    at: string;
  }[];
}

/** Reads the counters for the dashboard's overview; every number comes from small indexed lookups. */
@Injectable()
export class UsageService {
  constructor(
    private readonly usage: UsageRepository,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  async summary(scope: TenantScope, now: Date = new Date()): Promise<UsageSummary> {
    const days = lastDays(now, USAGE_WINDOW_DAYS);
    const since = utcDay(new Date(`${days[0]}T00:00:00Z`));
    const [counters, identityGroups, liveIds, alerts] = await Promise.all([
      this.usage.countersSince(scope, since),
      this.usage.identitiesByStatus(scope),
      this.liveIdentityCount(scope),
      this.installationAlerts(scope, since),
    ]);

    const byDay = new Map(days.map((day) => [day, { day, messagesSent: 0, messagesReceived: 0 }]));
    const totals: Record<UsageMetric, number> = {
      'messages.sent': 0,
      'messages.received': 0,
      'webhooks.succeeded': 0,
      'webhooks.failed': 0,
    };
    for (const row of counters) {
      const value = Number(row.value);
      const metric = row.metric as UsageMetric;
      if (metric in totals) totals[metric] += value;
      const entry = byDay.get(row.day.toISOString().slice(0, 10));
      if (!entry) continue;
      if (metric === 'messages.sent') entry.messagesSent += value;
      if (metric === 'messages.received') entry.messagesReceived += value;
    }
    const countOf = (status: IdentityStatus) => identityGroups.get(status) ?? 0;
    const attempts = totals['webhooks.succeeded'] + totals['webhooks.failed'];
    return {
      window: { from: days[0]!, to: days[days.length - 1]!, days: USAGE_WINDOW_DAYS },
      daily: [...byDay.values()],
      totals: { messagesSent: totals['messages.sent'], messagesReceived: totals['messages.received'] },
      identities: {
        total: [...identityGroups.values()].reduce((sum, n) => sum + n, 0),
        active: countOf(IdentityStatus.active),
        broken: countOf(IdentityStatus.broken),
      },
      liveClients: liveIds,
      webhooks: {
        succeeded: totals['webhooks.succeeded'],
        failed: totals['webhooks.failed'],
        successRate: attempts === 0 ? null : totals['webhooks.succeeded'] / attempts,
      },
      installationAlerts: alerts,
    };
  }

  private async liveIdentityCount(scope: TenantScope): Promise<number> {
    const ids = await this.usage.activeIdentityIds(scope);
    return ids.filter((id) => this.runtime.pool.isLive(id)).length;
  }

  /** The latest budget warning of each identity still close to its installation limit. */
  private async installationAlerts(scope: TenantScope, since: Date): Promise<UsageSummary['installationAlerts']> {
    const entries = await this.usage.auditEntriesSince(scope, INSTALLATION_BUDGET_ACTION, since, 200);
    const latest = new Map<string, { count: number; limit: number; at: Date }>();
    for (const entry of entries) {
      if (!entry.targetId || latest.has(entry.targetId)) continue;
      const metadata = (entry.metadata ?? {}) as { installationCount?: number; installationLimit?: number };
      latest.set(entry.targetId, {
        count: metadata.installationCount ?? 0,
        limit: metadata.installationLimit ?? 10,
        at: entry.createdAt,
      });
    }
    const open = [...latest].filter(([, alert]) => alert.count >= INSTALLATION_ALERT_THRESHOLD);
    if (open.length === 0) return [];
    const labels = await this.usage.identityLabels(
      scope,
      open.map(([id]) => id),
    );
    return open
      .filter(([id]) => labels.has(id))
      .map(([id, alert]) => ({
        identityId: id,
        label: labels.get(id) ?? null,
        installationCount: alert.count,
        installationLimit: alert.limit,
        at: alert.at.toISOString(),
      }));
  }
}
