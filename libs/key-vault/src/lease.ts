import pg from 'pg';

/**
 * Advisory lock key of the master key: every gateway holds it shared while it runs, a rotation takes it exclusively
 * inside its transaction. So a rotation never runs under a live gateway that would keep wrapping with the old key.
 */
export const MASTER_KEY_LOCK = 7_881_696_737_372_368_749n; // "mailroom" as a big-endian int64

export interface MasterKeyLease {
  release(): Promise<void>;
}

/**
 * Takes the shared master key lock on a dedicated connection and keeps it until release(). Waits while a rotation
 * holds the lock, so take it before verifying the master key.
 */
export async function holdMasterKeyLease(databaseUrl: string, onLost: (error: Error) => void): Promise<MasterKeyLease> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'mailroom master key lease' });
  client.on('error', onLost);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock_shared($1)', [MASTER_KEY_LOCK.toString()]);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      client.removeListener('error', onLost);
      client.on('error', () => {});
      await client.end();
    },
  };
}
