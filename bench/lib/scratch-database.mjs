// A throw-away database on the benchmark's Postgres server, made and dropped with the persistence library's helpers.
import pg from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '@mailroom/persistence';

export const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** Runs `work(url)` against a fresh database named `name`, dropping it afterwards whatever happens. */
export async function withScratchDatabase(name, work) {
  const url = withDatabase(SERVER_URL, name);
  await ensureDatabase(url);
  try {
    return await work(url);
  } finally {
    await dropDatabase(url);
  }
}

/** The JSON body of a response, or an Error carrying the status and body text. */
export async function readJson(res) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Whether the benchmark's Postgres server runs autovacuum: without it the outbox's updated rows stay dead for the whole
 * run and index scans over them slow down as it goes, which a long run shows as decaying throughput.
 */
export async function autovacuumSetting() {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return (await client.query('SHOW autovacuum')).rows[0].autovacuum;
  } finally {
    await client.end();
  }
}
