// The start-up guard: refuses a Redis that would lose jobs, on one node or on every primary of a
// cluster (naming the one that fails), and a node whose topology REDIS_MODE does not match.
import { Cluster, type Redis } from 'ioredis';
import { CodedError } from '../domain/errors.js';
import { clusterNodeInSingleMode, nodeName } from './redis-topology.js';

export class RedisUnsuitableError extends CodedError {
  constructor(readonly problems: string[]) {
    super(
      'REDIS_UNSUITABLE',
      `Redis is not suitable for rollback-bot:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    this.name = 'RedisUnsuitableError';
  }
}

function parseVersion(v: string): [number, number, number] {
  const [a = 0, b = 0, c = 0] = v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  return [a, b, c];
}

/** What one node says about itself. */
async function inspect(node: Redis) {
  const info = await node.info();
  const field = (name: string) => info.match(new RegExp(`^${name}:(.*)$`, 'm'))?.[1]?.trim();
  const version = field('redis_version') ?? field('valkey_version') ?? '0.0.0';
  let policy = field('maxmemory_policy');
  if (!policy) {
    try {
      const res = (await node.config('GET', 'maxmemory-policy')) as string[];
      policy = res[1];
    } catch {
      policy = undefined;
    }
  }
  return { version, policy, clusterEnabled: field('cluster_enabled') === '1' };
}

function problemsOf(version: string, policy: string | undefined): string[] {
  const problems: string[] = [];
  const [maj, min] = parseVersion(version);
  if (maj < 6 || (maj === 6 && min < 2)) {
    problems.push(`version ${version} is too old: Redis 6.2 or newer is required (BullMQ).`);
  }
  if (policy !== 'noeviction') {
    problems.push(
      `maxmemory-policy is ${policy ?? 'unknown'}: set it to noeviction (redis.conf "maxmemory-policy noeviction", or the ElastiCache parameter group), otherwise Redis may evict queued rollback jobs.`,
    );
  }
  return problems;
}

/**
 * Refuses a Redis that would lose jobs: older than 6.2, or evicting keys under memory pressure;
 * for a cluster, every primary is asked and a problem names its node. Managed Redis may forbid
 * CONFIG GET; then INFO's maxmemory_policy is used. A single connection to a cluster node is
 * refused too (its commands would be answered MOVED): `url` names it.
 */
export async function checkRedisSuitable(
  redis: Redis | Cluster,
  url = 'REDIS_URL',
): Promise<{ version: string; policy: string; primaries: number }> {
  if (!(redis instanceof Cluster)) {
    const { version, policy, clusterEnabled } = await inspect(redis);
    if (clusterEnabled) throw clusterNodeInSingleMode(url, 'cluster_enabled:1');
    const problems = problemsOf(version, policy);
    if (problems.length > 0) throw new RedisUnsuitableError(problems);
    return { version, policy: policy ?? 'noeviction', primaries: 1 };
  }
  const primaries = redis.nodes('master');
  const seen = await Promise.all(
    primaries.map(async (node) => ({ node: nodeName(node), ...(await inspect(node)) })),
  );
  const problems = seen.flatMap((n) =>
    problemsOf(n.version, n.policy).map((p) => `${n.node}: ${p}`),
  );
  if (problems.length > 0) throw new RedisUnsuitableError(problems);
  const versions = [...new Set(seen.map((n) => n.version))].sort();
  return { version: versions.join(', '), policy: 'noeviction', primaries: primaries.length };
}
