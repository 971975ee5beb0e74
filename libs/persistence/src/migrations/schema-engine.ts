import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';

type EngineRuntime = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

/** An error raised by Prisma's schema engine, with its Prisma error code (P3009, P3018, …) when it has one. */
export class SchemaEngineError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'SchemaEngineError';
  }
}

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

let runtimePromise: Promise<EngineRuntime> | undefined;

/**
 * Instantiates @prisma/schema-engine-wasm by hand: its own entry point imports the .wasm file as an ES module,
 * which Node 20 cannot do. The engine's setTimeout is wrapped so its timers are unref'd: it never clears them,
 * and one left pending would otherwise keep the process alive ~10 s after the work is done.
 */
function loadRuntime(): Promise<EngineRuntime> {
  runtimePromise ??= (async () => {
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const runtime: EngineRuntime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const module = new WebAssembly.Module(readFileSync(gluePath.replace(/\.js$/, '.wasm')));
    const imports: Record<string, unknown> = { ...runtime };
    for (const [name, fn] of Object.entries(runtime)) {
      if (name.startsWith('__wbg_setTimeout_') && typeof fn === 'function') {
        const schedule = fn as (...args: unknown[]) => { unref?: () => void } | undefined;
        imports[name] = (...args: unknown[]) => {
          const timer = schedule(...args);
          timer?.unref?.();
          return timer;
        };
      }
    }
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': imports });
    runtime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return runtime;
  })();
  return runtimePromise;
}

/**
 * Runs `work` with a fresh schema engine connected through `adapterFactory`, then frees the engine.
 * Errors come back with the real driver text instead of the engine's "External error id#N".
 */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  datamodels: Array<[path: string, content: string]> | undefined,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const runtime = await loadRuntime();
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const translate = (error: unknown) =>
    translateEngineError(error, (id) => bound.errorRegistry.consumeError(id)?.error);
  let engine: SchemaEngine;
  try {
    engine = await runtime.SchemaEngine.new({ datamodels }, () => {}, bound);
  } catch (error) {
    throw translate(error);
  }
  try {
    return await work(engine);
  } catch (error) {
    throw translate(error);
  } finally {
    engine.free();
  }
}

const EXTERNAL_ERROR = /External error id#(\d+)/g;

function translateEngineError(error: unknown, lookup: (id: number) => unknown): SchemaEngineError {
  const raw = error as { message?: unknown; code?: unknown } | undefined;
  const message = String(raw?.message ?? error).replace(EXTERNAL_ERROR, (whole, id: string) => {
    const original = lookup(Number(id));
    return original === undefined ? whole : describe(original);
  });
  const code = typeof raw?.code === 'string' ? raw.code : /\b(P\d{4})\b/.exec(message)?.[1];
  return new SchemaEngineError(message.trim(), code);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
