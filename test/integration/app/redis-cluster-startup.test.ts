// Start-up against a real Redis Cluster (3 primaries, one replica each): cluster mode connects
// and checks every primary; a REDIS_MODE that does not fit what answers is refused at once with
// the mode to set; a primary that may evict is refused by name; no password is ever shown.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../scripts/lib/redis-server.mjs';
import { buildAdapters } from '../../../src/app/adapters.js';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import { scriptsOf } from '../../../src/store/scripts.js';
import { testBotEnv } from '../../support/harness.js';
import { testRedis, useRedisCluster } from '../../support/redis-cluster.js';

const cluster = useRedisCluster();

const config = parseConfig(
  readFileSync(new URL('../../../src/sandbox/sandbox.config.yml', import.meta.url), 'utf8'),
  'test config',
  'us-east-1',
);

/** The log lines of one start, as objects. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger('info', out), lines };
}

function start(redisUrl: string, redisMode: 'single' | 'cluster') {
  const env = testBotEnv({
    botToken: 'xoxb-test-token',
    signingSecret: 'test-signing-secret',
    slackApiUrl: 'http://127.0.0.1:9/api/',
    awsUrl: 'http://127.0.0.1:9',
    prefix: '{t-startup}',
    redisUrl,
    redisMode,
  });
  const { log, lines } = capture();
  return { lines, adapters: buildAdapters({ env, config, log }) };
}

describe('start-up on a Redis Cluster', () => {
  it('connects in cluster mode from any one seed and checks every primary', async () => {
    const seed = cluster().handle.urls[4]!;
    const { adapters, lines } = start(seed, 'cluster');
    const a = await adapters;
    try {
      const suitable = lines.find((l) => l.msg === 'Redis is suitable');
      expect(suitable).toMatchObject({ mode: 'cluster', primaries: 3, policy: 'noeviction' });
      await a.redis.set('{t-startup}:probe', 'x');
      expect(await a.redis.get('{t-startup}:probe')).toBe('x');
    } finally {
      await a.closeables.closeAll();
    }
  });

  it('refuses single mode against a cluster node, saying to set REDIS_MODE=cluster', async () => {
    const node = cluster().handle.urls[0]!;
    const { adapters } = start(node, 'single');
    await expect(adapters).rejects.toMatchObject({
      code: 'REDIS_TOPOLOGY',
      message: expect.stringMatching(
        new RegExp(
          `^127\\.0\\.0\\.1:${cluster().handle.ports[0]} is a Redis Cluster node .*set REDIS_MODE=cluster`,
        ),
      ),
    });
  });

  it('refuses a primary that may evict keys, naming it', async () => {
    const port = await cluster().handle.primaryOf('{anything}');
    const admin = new Redis(port, '127.0.0.1');
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const { adapters } = start(cluster().url, 'cluster');
      const err = (await adapters.catch((e: unknown) => e)) as Error & { code?: string };
      expect(err.code).toBe('REDIS_UNSUITABLE');
      expect(err.message).toContain(`127.0.0.1:${port}: maxmemory-policy is allkeys-lru`);
      // The other primaries are fine: only the one node is named.
      expect(err.message.match(/maxmemory-policy is/g)).toHaveLength(1);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      admin.disconnect();
    }
  });
});

describe('start-up in cluster mode on a single Redis', () => {
  it('is refused at once, saying to unset REDIS_MODE, without the password', async () => {
    const password = 'very-secret-pw-123';
    const single = await startRedisServer({ appendonly: false, password });
    try {
      const startedAt = Date.now();
      const { adapters, lines } = start(single.url, 'cluster');
      const err = (await adapters.catch((e: unknown) => e)) as Error & { code?: string };
      expect(err.code).toBe('REDIS_TOPOLOGY');
      expect(err.message).toBe(
        `REDIS_MODE=cluster but 127.0.0.1:${single.port} is not a cluster node (cluster_enabled:0): unset REDIS_MODE (or set REDIS_MODE=single) for a single Redis`,
      );
      // Not after the 15 s start-up timeout: the first answer says it.
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect(JSON.stringify(lines)).not.toContain(password);
    } finally {
      await single.stop();
    }
  });
});

describe('the cluster catches keys outside one slot', () => {
  it('a script given keys of two hash tags fails with CROSSSLOT; one tag passes', async () => {
    const redis = testRedis(cluster().url, 'cluster');
    try {
      const scripts = scriptsOf(redis);
      await expect(scripts.claimEvents(['{a}:seen:1', '{b}:seen:2'], 'c1', 1_000)).rejects.toThrow(
        /CROSSSLOT/,
      );
      await expect(scripts.claimEvents(['{a}:seen:1', '{a}:seen:2'], 'c1', 1_000)).resolves.toBe(
        'claimed',
      );
    } finally {
      redis.disconnect();
    }
  });
});
