// Which Redis the bot talks to: one node, or a Redis Cluster (ElastiCache cluster mode included),
// from REDIS_MODE and REDIS_URL, and the clear errors when the two do not match what answers.
import type { ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { CodedError } from '../domain/errors.js';
import { redisReplyCode } from './redis-errors.js';

export type RedisMode = 'single' | 'cluster';

/** REDIS_MODE and REDIS_URL's URLs (one for single; one or more seed nodes for cluster). */
export interface RedisTopology {
  mode: RedisMode;
  urls: string[];
}

/** REDIS_URL (comma-separated for several seed nodes) under REDIS_MODE (default single). */
export function redisTopology(url: string, mode: RedisMode = 'single'): RedisTopology {
  return {
    mode,
    urls: url
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
  };
}

/** host:port of a URL, for messages (never its password). */
export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'REDIS_URL (unparsable)';
  }
}

/** The host:port a node connection points at, for messages. */
export function nodeName(node: Redis): string {
  return `${node.options.host ?? '127.0.0.1'}:${node.options.port ?? 6379}`;
}

/**
 * What a cluster client is made from: the seeds, and the options every node connection shares.
 * User and password come from the first URL (ElastiCache has one user list for all nodes);
 * rediss:// turns TLS on. ElastiCache with TLS serves certificates for its host names, so
 * dnsLookup hands the name on unresolved (ioredis's note on ElastiCache clusters with TLS).
 */
export function clusterParts(urls: readonly string[]): {
  seeds: ClusterNode[];
  redisOptions: RedisOptions;
  options: Pick<ClusterOptions, 'dnsLookup'>;
} {
  const parsed = urls.map((u) => new URL(u));
  const first = parsed[0]!;
  const tls = first.protocol === 'rediss:';
  const redisOptions: RedisOptions = {
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(tls ? { tls: {} } : {}),
  };
  return {
    seeds: parsed.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    redisOptions,
    options: tls ? { dnsLookup: (address, callback) => callback(null, address) } : {},
  };
}

/** REDIS_MODE does not fit the Redis that answered. */
export class RedisTopologyError extends CodedError {
  constructor(message: string) {
    super('REDIS_TOPOLOGY', message);
    this.name = 'RedisTopologyError';
  }
}

/** Single mode, but the node says it is part of a cluster. */
export function clusterNodeInSingleMode(url: string, why: string): RedisTopologyError {
  return new RedisTopologyError(
    `${hostOf(url)} is a Redis Cluster node (${why}): set REDIS_MODE=cluster and list one or more of its nodes in REDIS_URL (comma-separated), or point REDIS_URL at a Redis that is not a cluster`,
  );
}

/** Cluster mode, but the seeds are plain nodes. */
export function singleNodeInClusterMode(urls: readonly string[]): RedisTopologyError {
  return new RedisTopologyError(
    `REDIS_MODE=cluster but ${urls.map(hostOf).join(', ')} ${urls.length > 1 ? 'are not cluster nodes' : 'is not a cluster node'} (cluster_enabled:0): unset REDIS_MODE (or set REDIS_MODE=single) for a single Redis`,
  );
}

/**
 * A start-up failure explained by the topology, or undefined. In single mode a cluster node
 * answers a command on a key it does not hold with MOVED (or CLUSTERDOWN while the cluster is
 * not whole); in cluster mode a plain node answers CLUSTER SLOTS with "cluster support disabled",
 * which ioredis reports as its last node error.
 */
export function topologyMismatch(err: unknown, topology: RedisTopology): Error | undefined {
  if (topology.mode === 'single') {
    const code = redisReplyCode(err);
    if (code === 'MOVED' || code === 'ASK' || code === 'CLUSTERDOWN') {
      return clusterNodeInSingleMode(topology.urls[0]!, `it answered ${code}`);
    }
    return undefined;
  }
  const last = (err as { lastNodeError?: unknown } | undefined)?.lastNodeError ?? err;
  if (last instanceof Error && /cluster support disabled/i.test(last.message)) {
    return singleNodeInClusterMode(topology.urls);
  }
  return undefined;
}
