/**
 * Is a Redis server answering at a URL? A raw RESP PING over TCP (or TLS for rediss://), so the
 * CLI can check the stack without holding a client connection open.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export const REDIS_START_COMMAND =
  'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

export interface RedisProbe {
  url: string;
  reachable: boolean;
  /** Why it is not reachable (connection refused, timeout, unexpected reply). */
  problem?: string;
}

export async function probeRedis(url: string, timeoutMs = 2_000): Promise<RedisProbe> {
  const parsed = new URL(url);
  const host = parsed.hostname || '127.0.0.1';
  const port = Number(parsed.port || 6379);
  return new Promise((resolve) => {
    const socket: Socket =
      parsed.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host })
        : connectTcp({ host, port });
    let reply = '';
    const finish = (problem?: string) => {
      socket.destroy();
      resolve(problem === undefined ? { url, reachable: true } : { url, reachable: false, problem });
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      if (!reply.includes('\r\n')) return;
      // -NOAUTH still proves a Redis server is there; credentials belong in the URL.
      if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) finish();
      else finish(`unexpected reply ${JSON.stringify(reply.trim())}: is this a Redis server?`);
    });
  });
}
