import { readFile } from 'node:fs/promises';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DASHBOARD_PREFIX = '/admin';

/** The page only talks to this origin's API; nothing inline, nothing framed. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailroom admin</title></head>
<body><main><h1>The dashboard is not built</h1><p>Run <code>npm run build</code>, then restart the gateway.</p></main></body></html>`;

/**
 * Serves the built single-page app under /admin: hashed assets as files (cached for good), and index.html for
 * /admin and every deep link below it, so a reload on /admin/identities/… opens the app at that page.
 */
export async function mountDashboard(fastify: FastifyInstance, distDir: string | null): Promise<void> {
  const indexHtml = distDir ? await readFile(`${distDir}/index.html`, 'utf8') : NOT_BUILT_PAGE;
  const sendPage = (reply: FastifyReply) =>
    reply
      .code(distDir ? 200 : 503)
      .headers(PAGE_HEADERS)
      .type('text/html; charset=utf-8')
      .send(indexHtml);

  if (distDir) {
    await fastify.register(fastifyStatic, {
      root: distDir,
      prefix: `${DASHBOARD_PREFIX}/`,
      // One route per built file, found at start: the deep-link fallback below takes every other path.
      wildcard: false,
      index: false,
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        reply.header('x-content-type-options', 'nosniff');
        reply.header(
          'cache-control',
          filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }

  fastify.get(DASHBOARD_PREFIX, (_request, reply) => reply.redirect(`${DASHBOARD_PREFIX}/`, 302));
  fastify.get(`${DASHBOARD_PREFIX}/*`, (request, reply) => {
    // A missing hashed asset is a 404, not the page: a stale tab must not parse HTML as JavaScript.
    if (request.url.startsWith(`${DASHBOARD_PREFIX}/assets/`)) {
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    }
    return sendPage(reply);
  });
}
