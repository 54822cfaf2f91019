// REDIS_MODE in the environment: single by default; several seed URLs only with cluster; in
// cluster mode the key prefix must carry a {hash tag} so every key (BullMQ's and the stores')
// lands in one slot. Messages name the variable, never its value.
import { describe, expect, it } from 'vitest';
import { hasHashTag, loadEnv } from '../../../src/config/env.js';

const base = {
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_SIGNING_SECRET: 'test-signing-secret',
  ROLLBACK_CONFIG: 'x.yml',
};

describe('REDIS_MODE', () => {
  it('defaults to single', () => {
    expect(loadEnv({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_MODE).toBe('single');
  });

  it('takes seed nodes in cluster mode, rediss:// included', () => {
    const env = loadEnv({
      ...base,
      REDIS_MODE: 'cluster',
      REDIS_URL: 'rediss://:pw@a.example:6379,rediss://:pw@b.example:6379',
    });
    expect(env.REDIS_PREFIX).toBe('{rollback}');
  });

  it('refuses several URLs in single mode, saying to set REDIS_MODE=cluster', () => {
    expect(() => loadEnv({ ...base, REDIS_URL: 'redis://a:1,redis://b:2' })).toThrow(
      /REDIS_URL: lists several nodes: set REDIS_MODE=cluster/,
    );
  });

  it('refuses a prefix without a hash tag in cluster mode', () => {
    for (const prefix of ['rollback', 'rb{}', 'rb}{x']) {
      expect(() =>
        loadEnv({
          ...base,
          REDIS_MODE: 'cluster',
          REDIS_URL: 'redis://a:1',
          REDIS_PREFIX: prefix,
        }),
      ).toThrow(/REDIS_PREFIX: must contain a \{hash tag\} with REDIS_MODE=cluster/);
    }
    expect(hasHashTag('team-a{rollback}')).toBe(true);
  });

  it('refuses a URL that is not redis:// or rediss://, without quoting it', () => {
    expect(() => loadEnv({ ...base, REDIS_URL: 'http://user:hunter2@h:6379' })).toThrow(
      /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/,
    );
    try {
      loadEnv({ ...base, REDIS_URL: 'http://user:hunter2@h:6379' });
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });

  it('takes the README examples as written', () => {
    const examples = [
      { REDIS_URL: 'redis://127.0.0.1:6379' },
      {
        REDIS_MODE: 'cluster',
        REDIS_URL: 'redis://127.0.0.1:7000,redis://127.0.0.1:7001,redis://127.0.0.1:7002',
      },
      {
        REDIS_MODE: 'cluster',
        REDIS_URL:
          'rediss://:my%2Ftoken@clustercfg.rollback-bot.abc123.use1.cache.amazonaws.com:6379',
      },
      {
        REDIS_MODE: 'cluster',
        REDIS_URL:
          'rediss://rollback-bot:my-password@clustercfg.rollback-bot.abc123.use1.cache.amazonaws.com:6379',
      },
    ];
    for (const example of examples) expect(() => loadEnv({ ...base, ...example })).not.toThrow();
  });
});
