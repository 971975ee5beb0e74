import { describe, expect, it } from '@jest/globals';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { offlineAdapterFactory } from './adapters.js';
import { SchemaEngineError, withSchemaEngine } from './schema-engine.js';

describe('withSchemaEngine', () => {
  it('reports an adapter failure with its own text instead of "External error id#N"', async () => {
    const failing: SqlMigrationAwareDriverAdapterFactory = {
      provider: 'postgres',
      adapterName: '@prisma/adapter-pg',
      connect: async () => {
        throw new Error('pool exhausted: custom text');
      },
      connectToShadowDb: async () => {
        throw new Error('unused');
      },
    };
    const run = withSchemaEngine(failing, undefined, async () => 'never');
    await expect(run).rejects.toBeInstanceOf(SchemaEngineError);
    await expect(run).rejects.toThrow('pool exhausted: custom text');
    await expect(run).rejects.not.toThrow(/External error id#/);
  });

  it('keeps the engine’s Prisma error code (P1012 for an invalid schema)', async () => {
    const run = withSchemaEngine(offlineAdapterFactory(), undefined, (engine) =>
      engine.diff({
        from: { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: 'model Broken {' }] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      }),
    );
    await expect(run).rejects.toMatchObject({ code: 'P1012', message: expect.stringContaining('schema.prisma') });
  });

  it('refuses any real query when diffing offline, with a clear message', async () => {
    const run = withSchemaEngine(offlineAdapterFactory(), undefined, (engine) => engine.version());
    await expect(run).rejects.toThrow('The offline schema diff tried to use a database: SELECT version()');
    const adapter = await offlineAdapterFactory().connect();
    await expect(adapter.executeRaw({ sql: 'DELETE FROM x', args: [], argTypes: [] })).rejects.toThrow(
      'The offline schema diff tried to use a database: DELETE FROM x',
    );
  });
});
