// A Kubo-RPC-compatible IPFS endpoint for tests and benchmarks, backed by helia with a filesystem blockstore:
// POST /api/v0/add (multipart, pins implicitly, ndjson answer), /api/v0/cat, /api/v0/pin/rm, and a read-only
// gateway at GET /ipfs/<cid>. Local only: no libp2p networking. Helia 7 targets Node 22; on Node 20 it needs
// Promise.withResolvers (polyfilled below, in this process only) and undici 7 (root package.json override).
// Usage: node test/support/ipfs-server-process.mjs <blockstore dir>   → prints "listening <port>" on stdout.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { createServer } = await import('node:http');
const { default: Busboy } = await import('busboy');
const { createHeliaLight } = await import('helia');
const { unixfs } = await import('@helia/unixfs');
const { FsBlockstore } = await import('blockstore-fs');
const { CID } = await import('multiformats/cid');

const blockstore = new FsBlockstore(process.argv[2] ?? './ipfs-blocks');
await blockstore.open();
const helia = await createHeliaLight({ blockstore });
const fs = unixfs(helia);

function parseCid(value) {
  try {
    return CID.parse(String(value ?? ''));
  } catch {
    return undefined;
  }
}

function fail(res, status, message) {
  if (res.headersSent) return res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ Message: message, Code: 0, Type: 'error' }));
}

async function streamFile(res, cid, contentType) {
  const chunks = fs.cat(cid, { offline: true })[Symbol.asyncIterator]();
  let first;
  try {
    first = await chunks.next();
  } catch (error) {
    return fail(res, 404, `block not found: ${error.message}`);
  }
  res.writeHead(200, { 'content-type': contentType });
  try {
    for (let step = first; !step.done; step = await chunks.next()) {
      if (!res.write(step.value)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  } catch {
    res.destroy();
  }
}

function add(req, res, url) {
  const cidVersion = Number(url.searchParams.get('cid-version') ?? '0');
  const busboy = Busboy({ headers: req.headers });
  const added = [];
  busboy.on('file', (_field, file, info) => {
    added.push(
      fs.addByteStream(file, { cidVersion, rawLeaves: cidVersion === 1 }).then(async (cid) => ({
        Name: info.filename ?? cid.toString(),
        Hash: cid.toString(),
        Size: String((await fs.stat(cid)).fileSize),
      })),
    );
  });
  busboy.on('close', async () => {
    try {
      const entries = await Promise.all(added);
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(entries.map((entry) => JSON.stringify(entry)).join('\n') + '\n');
    } catch (error) {
      fail(res, 500, error.message);
    }
  });
  busboy.on('error', (error) => fail(res, 400, error.message));
  req.pipe(busboy);
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname.startsWith('/ipfs/')) {
    const cid = parseCid(url.pathname.slice('/ipfs/'.length));
    return cid ? void streamFile(res, cid, 'application/octet-stream') : fail(res, 400, 'invalid CID');
  }
  if (req.method !== 'POST') return fail(res, 405, 'method not allowed');
  switch (url.pathname) {
    case '/api/v0/add':
      return add(req, res, url);
    case '/api/v0/cat': {
      const cid = parseCid(url.searchParams.get('arg'));
      return cid ? void streamFile(res, cid, 'text/plain') : fail(res, 400, 'invalid CID');
    }
    case '/api/v0/pin/rm': {
      const cid = parseCid(url.searchParams.get('arg'));
      if (!cid) return fail(res, 400, 'invalid CID');
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ Pins: [cid.toString()] }));
    }
    case '/api/v0/version':
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ Version: 'mailroom-test-shim' }));
    default:
      return fail(res, 404, `unknown endpoint ${url.pathname}`);
  }
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

const stop = async () => {
  server.close();
  server.closeAllConnections();
  await helia.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
