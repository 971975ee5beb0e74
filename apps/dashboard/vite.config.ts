import { defineConfig } from 'vite';

// Served by the gateway at /admin (apps/gateway/src/modules/dashboard); `npm run dev` proxies the API to a local gateway.
export default defineConfig({
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 400 },
  server: {
    proxy: { '/v1': process.env.MAILROOM_URL ?? 'http://127.0.0.1:3000' },
  },
});
