// A throw-away database on the benchmark's Postgres server, made and dropped with the persistence library's helpers.
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
