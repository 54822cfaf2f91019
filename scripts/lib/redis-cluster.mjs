// Starts a private Redis Cluster on loopback: 3 primaries with one replica each (6 redis-server
// processes with --cluster-enabled yes), created with `redis-cli --cluster create`. Plain
// JavaScript with no dependencies, like redis-server.mjs (which finds or installs redis-server;
// redis-cli comes in the same package).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureRedisServer, freePort, startRedisServer } from './redis-server.mjs';

const run = promisify(execFile);

/** redis-cli next to redis-server (the redis-server package brings redis-tools). */
export function ensureRedisCli() {
  const server = ensureRedisServer();
  const beside = path.join(path.dirname(server), 'redis-cli');
  if (existsSync(beside)) return beside;
  for (const p of ['/usr/bin/redis-cli', '/usr/local/bin/redis-cli']) if (existsSync(p)) return p;
  throw new Error(
    'redis-cli was not found (it comes with redis-server: apt-get install redis-tools, brew install redis)',
  );
}

/** One command on one node through redis-cli; its answer as text. */
async function cli(port, ...args) {
  const { stdout } = await run(ensureRedisCli(), ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 5_000,
  });
  return stdout.trim();
}

/** Whether a loopback TCP port can be bound now. */
function isFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (the port + 10000) is free and valid too. */
async function freeClusterPort() {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port;
  }
}

const field = (info, name) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();

/** CLUSTER NODES of one node: [{ id, port, role, primaryId, slots, failed }]. */
async function clusterNodes(port) {
  const text = await cli(port, 'CLUSTER', 'NODES');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, addr, flags, primaryId, , , , , ...slots] = line.split(' ');
      return {
        id,
        port: Number(/:(\d+)@/.exec(addr)?.[1]),
        role: flags.includes('master') ? 'primary' : 'replica',
        primaryId: primaryId === '-' ? undefined : primaryId,
        slots,
        failed: flags.includes('fail'),
      };
    });
}

function slotCount(slots) {
  let n = 0;
  for (const s of slots) {
    if (s.startsWith('[')) continue; // a slot being migrated
    const [a, b = a] = s.split('-').map(Number);
    n += b - a + 1;
  }
  return n;
}

function holds(slots, slot) {
  return slots.some((s) => {
    if (s.startsWith('[')) return false;
    const [a, b = a] = s.split('-').map(Number);
    return slot >= a && slot <= b;
  });
}

async function until(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Redis Cluster: timed out waiting for ${what}${last ? ` (${last.message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts the cluster. Options: primaries (default 3), replicas per primary (default 1),
 * maxmemoryPolicy (default noeviction; per port with maxmemoryPolicyOf(index)), nodeTimeoutMs
 * (cluster-node-timeout, default 1000: a killed primary's replica takes over within ~2 s),
 * appendonly (default false).
 * Returns { urls, ports, nodes, primaryOf(key), replicaOf(port), failover(port), kill(port),
 * stop() }.
 */
export async function startRedisCluster(opts = {}) {
  const primaries = opts.primaries ?? 3;
  const replicas = opts.replicas ?? 1;
  const total = primaries * (1 + replicas);
  const root = mkdtempSync(path.join(tmpdir(), 'rollback-redis-cluster-'));
  const servers = new Map();
  try {
    const ports = [];
    while (ports.length < total) {
      const port = await freeClusterPort();
      if (!ports.includes(port)) ports.push(port);
    }
    await Promise.all(
      ports.map(async (port, i) => {
        const dir = path.join(root, String(port));
        mkdirSync(dir);
        const server = await startRedisServer({
          port,
          dir,
          appendonly: opts.appendonly ?? false,
          maxmemoryPolicy: opts.maxmemoryPolicyOf?.(i) ?? opts.maxmemoryPolicy ?? 'noeviction',
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            path.join(dir, 'nodes.conf'),
            '--cluster-node-timeout',
            String(opts.nodeTimeoutMs ?? 1_000),
            // Replicas sync at once (the default waits 5 s for more replicas to share one RDB).
            '--repl-diskless-sync-delay',
            '0',
          ],
        });
        servers.set(port, server);
      }),
    );
    await run(
      ensureRedisCli(),
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    const cluster = handle(ports, servers, root);
    await cluster.settled();
    return cluster;
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

function handle(ports, servers, root) {
  const alive = () => ports.filter((p) => servers.has(p));
  const cluster = {
    /** One redis:// URL per node: seeds for a cluster client. */
    urls: ports.map((p) => `redis://127.0.0.1:${p}`),
    ports,
    /** The nodes as the first live node sees them now. */
    nodes: () => clusterNodes(alive()[0]),
    /**
     * Resolves when every live node says cluster_state:ok, sees every slot covered by a live
     * primary, agrees on the primaries, and every replica is linked to its primary.
     */
    async settled() {
      await until('cluster_state:ok on every node', async () => {
        const views = await Promise.all(
          alive().map(async (p) => {
            const info = await cli(p, 'CLUSTER', 'INFO');
            if (field(info, 'cluster_state') !== 'ok') return undefined;
            if (field(info, 'cluster_slots_ok') !== '16384') return undefined;
            const nodes = await clusterNodes(p);
            const me = nodes.find((n) => n.port === p);
            // A replica that never synced cannot take over: wait for its link to its primary.
            if (me?.role === 'replica') {
              const repl = await cli(p, 'INFO', 'replication');
              if (field(repl, 'master_link_status') !== 'up') return undefined;
            }
            const live = nodes.filter((n) => servers.has(n.port));
            if (live.some((n) => n.failed)) return undefined;
            const covered = live
              .filter((n) => n.role === 'primary')
              .reduce((sum, n) => sum + slotCount(n.slots), 0);
            if (covered !== 16384) return undefined;
            return live
              .filter((n) => n.role === 'primary')
              .map((n) => n.port)
              .sort()
              .join(',');
          }),
        );
        return views.every((v) => v !== undefined && v === views[0]);
      });
    },
    /** The port of the primary holding `key`'s slot. */
    async primaryOf(key) {
      const slot = Number(await cli(alive()[0], 'CLUSTER', 'KEYSLOT', key));
      const nodes = await clusterNodes(alive()[0]);
      const owner = nodes.find((n) => n.role === 'primary' && holds(n.slots, slot));
      if (!owner) throw new Error(`Redis Cluster: no primary holds slot ${slot}`);
      return owner.port;
    },
    /** The port of a live replica of the primary at `port`. */
    async replicaOf(port) {
      const nodes = await clusterNodes(alive()[0]);
      const primary = nodes.find((n) => n.port === port);
      const replica = nodes.find((n) => n.primaryId === primary?.id && servers.has(n.port));
      if (!replica) throw new Error(`Redis Cluster: no live replica of 127.0.0.1:${port}`);
      return replica.port;
    },
    /**
     * CLUSTER FAILOVER on the replica of the primary at `port`: the replica becomes primary, the
     * old primary its replica. Resolves once the cluster agrees. Returns the new primary's port.
     */
    async failover(port) {
      const replica = await cluster.replicaOf(port);
      await cli(replica, 'CLUSTER', 'FAILOVER');
      await until(`127.0.0.1:${replica} to become primary`, async () =>
        (await clusterNodes(replica)).some((n) => n.port === replica && n.role === 'primary'),
      );
      await cluster.settled();
      return replica;
    },
    /**
     * Resolves once the replica of the primary at `port` has received every write the primary had
     * when asked (replication is asynchronous: a primary killed before that loses those writes).
     */
    async synced(port) {
      const replica = await cluster.replicaOf(port);
      const offset = Number(field(await cli(port, 'INFO', 'replication'), 'master_repl_offset'));
      await until(`127.0.0.1:${replica} to catch up with 127.0.0.1:${port}`, async () => {
        const info = await cli(replica, 'INFO', 'replication');
        return Number(field(info, 'slave_repl_offset')) >= offset;
      });
    },
    /** SIGKILL the node at `port` (its replica takes over after cluster-node-timeout). */
    async kill(port) {
      const server = servers.get(port);
      servers.delete(port);
      await server?.kill();
    },
    async stop() {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      servers.clear();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}
