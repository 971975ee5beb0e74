import net from 'node:net';

/**
 * Opens and closes a TCP connection to the host and port of `url` (the URL's default port when it names none):
 * proof that something listens there, not that it speaks the protocol.
 */
export function probeTcp(url: string, timeoutMs: number): Promise<void> {
  const target = new URL(url);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)),
    );
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${host}:${port} is unreachable (${error.code ?? error.message})`)),
    );
  });
}
