// The rollback harness, for the services and jobs integration tests. Real Redis, the local AWS
// endpoint and the real SDK clients, built by the bot's own builders (src/app/): the adapters and
// the services graph (the rollback service with the guardrails decide), and on demand the
// rollback workers as the worker role starts them. No Slack is used.
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { buildAdapters } from '../../src/app/adapters.js';
import { buildServices } from '../../src/app/services.js';
import { startRollbackWorkersOn } from '../../src/app/worker-role.js';
import type { Config } from '../../src/config/config.js';
import type { RollbackWorkers } from '../../src/jobs/rollback-workers.js';
import { createLogger } from '../../src/log.js';
import { type AwsSandbox, startAwsSandbox } from '../../src/sandbox/aws/index.js';
import type { RollbackService } from '../../src/services/rollback-service.js';
import { testBotEnv } from './harness.js';
import { FAST, rollbackConfig } from './rollback-config.js';
import { rollbackWorld } from './rollback-world.js';

export interface RollbackHarness {
  sandbox: AwsSandbox;
  service: RollbackService;
  /** REDIS_PREFIX of this harness: its stores' keys and its queues. */
  prefix: string;
  redisUrl: string;
  startWorker(extra?: {
    lockDurationMs?: number;
    stalledIntervalMs?: number;
  }): Promise<RollbackWorkers>;
  close(): Promise<void>;
}

/** The harness's environment: the local AWS endpoint by URL; Slack is never called. */
export function rollbackEnv(p: { awsUrl: string; prefix: string; redisUrl: string }) {
  return testBotEnv({
    botToken: 'xoxb-rollback-test',
    signingSecret: 'rollback-signing-secret',
    slackApiUrl: 'http://127.0.0.1:9/api/',
    ...p,
  });
}

export async function startRollbackHarness(
  opts: { redisUrl?: string; lockAfterRollback?: boolean; config?: Config } = {},
): Promise<RollbackHarness> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const redisUrl = opts.redisUrl ?? inject('redisUrl');
  const sandbox = await startAwsSandbox({
    port: 0,
    world: rollbackWorld(),
    time: { mode: 'manual' },
  });
  const config = opts.config ?? rollbackConfig(opts.lockAfterRollback);
  const prefix = `{t-${ulid()}}`;
  const adapters = await buildAdapters({
    env: rollbackEnv({ awsUrl: sandbox.url, prefix, redisUrl }),
    config,
    log: createLogger('silent'),
  });
  const { rollback: service } = buildServices(adapters);
  const request = adapters.redis;
  return {
    sandbox,
    service,
    prefix,
    redisUrl,
    // The rollback workers as the worker role starts them, with these tests' fast timings.
    startWorker: (extra = {}) =>
      startRollbackWorkersOn(adapters, adapters.workerConnection(), {
        rollbackWorkers: { ...FAST, ...extra },
      }),
    async close() {
      const keys = await request.keys(`${prefix}*`);
      if (keys.length > 0) await request.del(...keys);
      await adapters.closeables.closeAll();
      await sandbox.close();
    },
  };
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
