// Child process of bench/http-adapter.mjs: boots the benchmark app on the adapter named in
// argv, listens on a free port and reports it to the parent over IPC.
import { createMirrorApp } from './mirror-app.mjs';

const adapter = process.argv[2];
if (adapter !== 'express' && adapter !== 'fastify') throw new Error(`unknown adapter "${adapter}"`);

const app = await createMirrorApp(adapter);
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address();
process.send({ port });
process.on('disconnect', () => app.close().finally(() => process.exit(0)));
