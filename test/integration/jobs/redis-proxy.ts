// A TCP proxy in front of Redis that the test can freeze: the process behind it then cannot
// record anything, which is how the crash test holds a worker between the AWS call and its write.
import net from 'node:net';

export interface RedisProxy {
  url: string;
  freeze(): void;
  close(): Promise<void>;
}

export async function startRedisProxy(upstreamUrl: string): Promise<RedisProxy> {
  const upstream = new URL(upstreamUrl);
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const up = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(client);
    sockets.add(up);
    client.on('data', (d) => {
      if (!frozen) up.write(d);
    });
    up.on('data', (d) => {
      if (!frozen) client.write(d);
    });
    const end = () => {
      client.destroy();
      up.destroy();
    };
    client.on('error', end);
    up.on('error', end);
    client.on('close', end);
    up.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze() {
      frozen = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
