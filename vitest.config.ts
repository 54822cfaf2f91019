import { defineConfig } from 'vitest/config';

/**
 * The tests that also run on a Redis Cluster (3 primaries, one replica each, started once for the
 * run by test/support/global-redis-cluster.ts): the stores and their Lua scripts, and the e2e
 * suite's core flows with the bot in REDIS_MODE=cluster. A key outside the prefix's slot fails
 * there with CROSSSLOT. Each connects with testRedis() (test/support/redis-cluster.ts).
 */
const ON_CLUSTER_TOO = [
  'test/integration/store/approval-and-freeze-stores.test.ts',
  'test/integration/store/event-dedupe-store.test.ts',
  'test/integration/store/home-tab-store.test.ts',
  'test/integration/store/lock-lift-store.test.ts',
  'test/integration/store/locks.test.ts',
  'test/integration/store/lua-scripts.test.ts',
  'test/integration/store/reaction-and-group-stores.test.ts',
  'test/integration/store/reconcile-store.test.ts',
  'test/integration/store/request-store.test.ts',
  'test/integration/store/slack-delivery-store.test.ts',
  'test/integration/store/stage-lock-stores.test.ts',
  'test/e2e/manual-rollback.test.ts',
  'test/e2e/auto-rollback-grace.test.ts',
  'test/e2e/guardrails/approvals.test.ts',
  'test/e2e/guardrails/freezes.test.ts',
  'test/e2e/guardrails/held-deploys.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: integration tests start servers; keep parallelism modest and predictable.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'redis',
          include: ['test/**/*.test.ts'],
          // One private redis-server for the run unless REDIS_URL is given.
          globalSetup: ['test/support/global-redis.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'redis-cluster',
          include: ON_CLUSTER_TOO,
          globalSetup: ['test/support/global-redis-cluster.ts'],
        },
      },
    ],
  },
});
