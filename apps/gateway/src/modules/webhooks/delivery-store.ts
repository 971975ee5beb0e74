import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, queryPrepared, tenantScope } from '@mailroom/persistence';
import { AuditService } from '../audit/audit.service.js';

/** A delivery this process holds the lease of, for one attempt. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly tenantId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly body: string;
  /** Number of the attempt about to be made (1-based). */
  readonly attempt: number;
  readonly leaseToken: string;
  readonly windowStartedAt: Date;
  /** The endpoint as claimed (URL and sealed signing secret), so sending needs no second read. */
  readonly endpoint: {
    readonly url: string;
    readonly wrappedDataKey: Uint8Array;
    readonly sealedSecret: Uint8Array;
    /** Set while a rotation's overlap lasts: the previous secret signs too. */
    readonly previousSealedSecret: Uint8Array | null;
    readonly previousSecretUntil: Date | null;
  };
}

export interface AttemptResult {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** The headers sent (null when no request left), and the first bytes of the answer, for the delivery log. */
  readonly requestHeaders?: Record<string, string> | null;
  readonly responseBody?: string | null;
}

export interface FailureOutcome {
  /** False when the lease was lost (another process reclaimed the delivery); nothing was written. */
  readonly recorded: boolean;
  readonly endpointDisabled: boolean;
}

/** A claimed delivery as SQL returns it: the delivery's columns and CLAIMED_ENDPOINT_COLUMNS of its endpoint `e`. */
export interface ClaimedRow {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  body: string;
  attempts: number;
  lease_token: string;
  window_started_at: Date;
  url: string;
  wrapped_data_key: Uint8Array;
  sealed_secret: Uint8Array;
  previous_sealed_secret: Uint8Array | null;
  previous_secret_until: Date | null;
}

/** What an attempt needs of the endpoint `e` (joined as `e`), read in the statement that claims the delivery. */
export const CLAIMED_ENDPOINT_COLUMNS = Prisma.sql`e.url, e.wrapped_data_key, e.sealed_secret,
        CASE WHEN e.previous_secret_until > now() THEN e.previous_sealed_secret END AS previous_sealed_secret,
        CASE WHEN e.previous_secret_until > now() THEN e.previous_secret_until END AS previous_secret_until`;

export function claimedDelivery(r: ClaimedRow): ClaimedDelivery {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    body: r.body,
    attempt: r.attempts,
    leaseToken: r.lease_token,
    windowStartedAt: r.window_started_at,
    endpoint: {
      url: r.url,
      wrappedDataKey: r.wrapped_data_key,
      sealedSecret: r.sealed_secret,
      previousSealedSecret: r.previous_sealed_secret,
      previousSecretUntil: r.previous_secret_until,
    },
  };
}

/** Expired leases reclaimed per sweep (a sweep runs every poll interval, so more follow within seconds). */
const RECLAIM_BATCH = 500;

/**
 * The outbox's state transitions, each one SQL statement or transaction. A delivery is claimed under a lease
 * (status `sending`, attempt row written) before its request leaves; the result is written only by the holder of
 * that lease; a lease that outlives its process is reclaimed and the attempt marked interrupted.
 */
@Injectable()
export class DeliveryStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditService,
  ) {}

  /**
   * Claims up to `limit` due deliveries of enabled endpoints, at most `perEndpoint` in flight per endpoint counting
   * those already `sending` anywhere, logs their attempts and returns them with their endpoints: one statement.
   * SKIP LOCKED lets several processes claim side by side without waiting.
   */
  async claim(limit: number, perEndpoint: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await queryPrepared<ClaimedRow>(
      this.prisma,
      Prisma.sql`
      WITH busy AS (
        SELECT e.id, e.tenant_id, ${perEndpoint}::int - (
          SELECT count(*)::int FROM webhook_deliveries s WHERE s.endpoint_id = e.id AND s.status = 'sending'
        ) AS free
        FROM webhook_endpoints e
        WHERE e.enabled AND EXISTS (
          SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = e.id AND p.status = 'pending' AND p.next_attempt_at <= now()
        )
      ), due AS (
        -- Fair across tenants: a free slot goes to the tenant with the fewest deliveries in flight, then round-robin
        -- (each tenant's oldest due delivery first), so one tenant's backlog or dead endpoints cannot hold every slot.
        SELECT ranked.id FROM (
          SELECT picked.id, picked.next_attempt_at,
                 -- Through the tenant's endpoints: (endpoint_id, status) is indexed, and tenant_id is not.
                 (SELECT count(*) FROM webhook_endpoints te JOIN webhook_deliveries s ON s.endpoint_id = te.id
                  WHERE te.tenant_id = busy.tenant_id AND s.status = 'sending') AS tenant_in_flight,
                 row_number() OVER (PARTITION BY busy.tenant_id ORDER BY picked.next_attempt_at) AS tenant_turn
          FROM busy CROSS JOIN LATERAL (
            SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
            WHERE d.endpoint_id = busy.id AND d.status = 'pending' AND d.next_attempt_at <= now()
            ORDER BY d.next_attempt_at
            LIMIT greatest(busy.free, 0)
            FOR UPDATE SKIP LOCKED
          ) picked
        ) ranked
        ORDER BY ranked.tenant_in_flight + ranked.tenant_turn, ranked.next_attempt_at
        LIMIT ${limit}
      ), claimed AS (
        UPDATE webhook_deliveries d
        SET status = 'sending', attempts = d.attempts + 1, lease_token = gen_random_uuid(),
            lease_until = now() + ${leaseMs} * interval '1 millisecond', last_attempt_at = clock_timestamp()
        FROM due WHERE d.id = due.id
        RETURNING d.id, d.tenant_id, d.endpoint_id, d.event_id, d.body, d.attempts, d.lease_token, d.window_started_at
      ), logged AS (
        INSERT INTO webhook_attempts (id, delivery_id, number, started_at)
        SELECT gen_random_uuid(), claimed.id, claimed.attempts, clock_timestamp() FROM claimed
      )
      SELECT claimed.*, ${CLAIMED_ENDPOINT_COLUMNS}
      FROM claimed JOIN webhook_endpoints e ON e.id = claimed.endpoint_id`,
    );
    return rows.map(claimedDelivery);
  }

  /**
   * Marks deliveries succeeded, in one statement for the whole batch; from then on nothing sends them again.
   * Returns the ids recorded: a delivery whose lease was lost (reclaimed, or its endpoint deleted) is left out.
   */
  async recordSuccesses(successes: readonly Success[]): Promise<Set<string>> {
    if (successes.length === 0) return new Set();
    const rows = await queryPrepared<{ id: string }>(
      this.prisma,
      Prisma.sql`WITH ${successCtes(successes)} SELECT id FROM ${Prisma.raw(SUCCEEDED)}`,
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Records a failed attempt: schedules the next one (or marks the delivery failed when `nextAttemptAt` is undefined),
   * counts the failure against the endpoint and disables it, with an audit row, when the run reaches `disableAfter`.
   */
  async recordFailure(
    delivery: ClaimedDelivery,
    result: AttemptResult,
    nextAttemptAt: Date | undefined,
    disableAfter: number,
  ): Promise<FailureOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.$executeRaw`
        UPDATE webhook_deliveries
        SET status = ${nextAttemptAt ? 'pending' : 'failed'}::webhook_delivery_status, next_attempt_at = ${nextAttemptAt ?? null},
            lease_token = NULL, lease_until = NULL,
            last_status_code = ${result.statusCode}, last_error = ${result.error}, last_duration_ms = ${result.durationMs}
        WHERE id = ${delivery.id}::uuid AND lease_token = ${delivery.leaseToken}::uuid AND status = 'sending'`;
      if (updated === 0) return { recorded: false, endpointDisabled: false };
      await tx.$executeRaw`
        UPDATE webhook_attempts SET outcome = 'failed', finished_at = clock_timestamp(), status_code = ${result.statusCode},
            error = ${result.error}, duration_ms = ${result.durationMs},
            request_headers = ${headersJson(result)}::jsonb, response_body = ${result.responseBody ?? null}
        WHERE delivery_id = ${delivery.id}::uuid AND number = ${delivery.attempt}`;
      // The row lock makes "this failure crossed the threshold" true for exactly one of concurrent failures.
      const [endpoint] = await tx.$queryRaw<{ enabled: boolean; consecutive_failures: number; url: string }[]>`
        SELECT enabled, consecutive_failures, url FROM webhook_endpoints WHERE id = ${delivery.endpointId}::uuid FOR UPDATE`;
      if (!endpoint) return { recorded: true, endpointDisabled: false };
      const failures = endpoint.consecutive_failures + 1;
      const disable = endpoint.enabled && failures >= disableAfter;
      await tx.$executeRaw`
        UPDATE webhook_endpoints SET consecutive_failures = ${failures},
          enabled = ${endpoint.enabled && !disable},
          disabled_reason = CASE WHEN ${disable} THEN 'consecutive_failures' ELSE disabled_reason END,
          disabled_at = CASE WHEN ${disable} THEN clock_timestamp() ELSE disabled_at END,
          updated_at = CASE WHEN ${disable} THEN clock_timestamp() ELSE updated_at END
        WHERE id = ${delivery.endpointId}::uuid`;
      if (disable) {
        await this.audit.record(
          tenantScope(delivery.tenantId),
          {
            actor: { type: 'system' },
            action: 'webhook.disabled',
            targetType: 'webhook',
            targetId: delivery.endpointId,
            metadata: {
              reason: 'consecutive_failures',
              consecutiveFailures: failures,
              lastError: result.error ?? `HTTP ${result.statusCode}`,
            },
          },
          tx,
        );
      }
      return { recorded: true, endpointDisabled: disable };
    });
  }

  /**
   * Deliveries whose lease expired belong to a process that stopped mid-attempt: the receiver may or may not have
   * seen that attempt. Mark it interrupted and make the delivery due again (at-least-once). Not counted as an endpoint failure.
   */
  async reclaimExpired(): Promise<number> {
    // A batch at a time. Until VACUUM the status index holds a dead 'sending' entry for every delivery ever claimed, and
    // the planner's bitmap scan re-reads them every sweep; an ordered index scan would mark them dead once, but forcing
    // it (SET LOCAL) takes a transaction every second, not worth it where autovacuum runs.
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH expired AS (
        SELECT id, attempts FROM webhook_deliveries
        WHERE status = 'sending' AND lease_until < now()
        LIMIT ${RECLAIM_BATCH}
        FOR UPDATE SKIP LOCKED
      ), marked AS (
        UPDATE webhook_attempts w SET outcome = 'interrupted', finished_at = clock_timestamp(),
          error = 'interrupted: the sending process stopped before recording an answer'
        FROM expired WHERE w.delivery_id = expired.id AND w.number = expired.attempts AND w.outcome = 'in_flight'
      )
      UPDATE webhook_deliveries d
      SET status = 'pending', next_attempt_at = now(), lease_token = NULL, lease_until = NULL,
          last_error = 'interrupted: the sending process stopped before recording an answer'
      FROM expired WHERE d.id = expired.id
      RETURNING d.id`;
    return rows.length;
  }
}

export interface Success {
  readonly delivery: ClaimedDelivery;
  readonly result: AttemptResult;
}

/** The CTE of successCtes() that returns the id of each delivery recorded as succeeded. */
export const SUCCEEDED = 'succeeded';

/**
 * CTEs (for a WITH list) that record successful attempts under their leases: the delivery, its attempt row, and the
 * endpoint's failure run reset. `succeeded` returns the ids recorded (a lost lease is left out). Used alone by
 * recordSuccesses and inside the realtime pipeline's commit statement, where outcomes ride along.
 */
export function successCtes(successes: readonly Success[]): Prisma.Sql {
  return Prisma.sql`success_input AS (
        SELECT * FROM unnest(
          ${successes.map((s) => s.delivery.id)}::uuid[],
          ${successes.map((s) => s.delivery.leaseToken)}::uuid[],
          ${successes.map((s) => s.delivery.attempt)}::int[],
          ${successes.map((s) => s.result.statusCode)}::int[],
          ${successes.map((s) => s.result.durationMs)}::int[],
          ${successes.map((s) => headersJson(s.result))}::text[],
          ${successes.map((s) => s.result.responseBody ?? null)}::text[]
        ) AS i(id, lease_token, number, status_code, duration_ms, request_headers, response_body)
      ), ${Prisma.raw(SUCCEEDED)} AS (
        UPDATE webhook_deliveries w
        SET status = 'succeeded', succeeded_at = clock_timestamp(), next_attempt_at = NULL, lease_token = NULL, lease_until = NULL,
            last_status_code = i.status_code, last_error = NULL, last_duration_ms = i.duration_ms
        FROM success_input i
        -- status compared as text: each row is found by its id, never through the status index, whose 'sending' entries
        -- include a dead version of every delivery ever claimed until VACUUM removes them (the planner, estimating few
        -- rows in 'sending', would otherwise scan them all, on every commit).
        WHERE w.id = i.id AND w.lease_token = i.lease_token AND w.status::text = 'sending'
        RETURNING w.id, w.endpoint_id
      ), success_attempts AS (
        UPDATE webhook_attempts t SET outcome = 'succeeded', finished_at = clock_timestamp(), status_code = i.status_code, duration_ms = i.duration_ms,
          request_headers = i.request_headers::jsonb, response_body = i.response_body
        FROM ${Prisma.raw(SUCCEEDED)} d JOIN success_input i ON i.id = d.id
        WHERE t.delivery_id = d.id AND t.number = i.number
      ), success_endpoints AS (
        UPDATE webhook_endpoints SET consecutive_failures = 0
        WHERE id IN (SELECT endpoint_id FROM ${Prisma.raw(SUCCEEDED)}) AND consecutive_failures <> 0
      )`;
}

function headersJson(result: AttemptResult): string | null {
  return result.requestHeaders ? JSON.stringify(result.requestHeaders) : null;
}
