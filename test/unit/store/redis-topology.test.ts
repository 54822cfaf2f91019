// REDIS_MODE and REDIS_URL as connection parts: seeds, credentials from the URL, TLS for
// rediss:// with ElastiCache's host names kept (dnsLookup passes them through), and the mismatch
// errors, which name the mode to set and never the password.
import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  clusterParts,
  redisTopology,
  topologyMismatch,
} from '../../../src/store/redis-topology.js';
import { redactRedisUrl } from '../../../src/store/redis-wait.js';

describe('redisTopology and clusterParts', () => {
  it('splits comma-separated seeds and takes user, password and TLS from the URL', () => {
    const t = redisTopology(
      'rediss://bot:p%40ss@clustercfg.rb.abc123.use1.cache.amazonaws.com:6379, rediss://node2.example:6380',
      'cluster',
    );
    expect(t.urls).toHaveLength(2);
    const parts = clusterParts(t.urls);
    expect(parts.seeds).toEqual([
      { host: 'clustercfg.rb.abc123.use1.cache.amazonaws.com', port: 6379 },
      { host: 'node2.example', port: 6380 },
    ]);
    expect(parts.redisOptions).toEqual({ username: 'bot', password: 'p@ss', tls: {} });
    let resolved: string | undefined;
    parts.options.dnsLookup?.('clustercfg.example', (_err, address) => {
      resolved = address;
    });
    expect(resolved).toBe('clustercfg.example');
  });

  it('plain redis:// has no TLS and resolves names as usual', () => {
    const parts = clusterParts(['redis://127.0.0.1:7000']);
    expect(parts.redisOptions).toEqual({});
    expect(parts.options.dnsLookup).toBeUndefined();
  });
});

describe('topologyMismatch', () => {
  it('single mode answered MOVED or CLUSTERDOWN: set REDIS_MODE=cluster', () => {
    const t = redisTopology('redis://:secret-pw@10.0.0.5:7000');
    for (const answer of ['MOVED 6912 127.0.0.1:7102', 'CLUSTERDOWN The cluster is down']) {
      const err = topologyMismatch(new ReplyError(answer), t);
      expect(err?.message).toMatch(
        /^10\.0\.0\.5:7000 is a Redis Cluster node .*set REDIS_MODE=cluster/,
      );
      expect(err?.message).not.toContain('secret-pw');
    }
    expect(topologyMismatch(new ReplyError('WRONGTYPE Operation'), t)).toBeUndefined();
  });

  it('cluster mode answered "cluster support disabled": unset REDIS_MODE', () => {
    const t = redisTopology('redis://:secret-pw@10.0.0.5:6379', 'cluster');
    const refresh = Object.assign(new Error('Failed to refresh slots cache.'), {
      lastNodeError: new ReplyError('ERR This instance has cluster support disabled'),
    });
    const err = topologyMismatch(refresh, t);
    expect(err?.message).toBe(
      'REDIS_MODE=cluster but 10.0.0.5:6379 is not a cluster node (cluster_enabled:0): unset REDIS_MODE (or set REDIS_MODE=single) for a single Redis',
    );
  });

  it('hides every password of a seed list in logs', () => {
    expect(redactRedisUrl('redis://:a@h1:1,redis://u:b@h2:2')).toBe(
      'redis://:redacted@h1:1,redis://u:redacted@h2:2',
    );
  });
});
