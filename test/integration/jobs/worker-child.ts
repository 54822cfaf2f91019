// A rollback worker in its own process, for the crash test: the bot's adapters and the rollback
// workers as the worker role starts them (src/app/), from the environment the test passes
// (REDIS_URL, AWS_ENDPOINT_URL, REDIS_PREFIX, LOCK_MS); prints "ready" once the worker runs.
import { buildAdapters } from '../../../src/app/adapters.js';
import { startRollbackWorkersOn } from '../../../src/app/worker-role.js';
import { loadEnv } from '../../../src/config/env.js';
import { createLogger } from '../../../src/log.js';
import { FAST, rollbackConfig } from '../../support/rollback-config.js';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`worker-child: ${name} is required`);
  return v;
}

const env = loadEnv({
  SLACK_BOT_TOKEN: 'xoxb-rollback-test',
  SLACK_SIGNING_SECRET: 'rollback-signing-secret',
  SLACK_API_URL: 'http://127.0.0.1:9/api/',
  REDIS_URL: need('REDIS_URL'),
  REDIS_PREFIX: need('REDIS_PREFIX'),
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: need('AWS_ENDPOINT_URL'),
  ROLLBACK_CONFIG: 'inline',
});
const adapters = await buildAdapters({
  env,
  config: rollbackConfig(),
  log: createLogger('silent'),
});
const lockMs = Number(need('LOCK_MS'));
await startRollbackWorkersOn(adapters, adapters.workerConnection(), {
  rollbackWorkers: { ...FAST, lockDurationMs: lockMs, stalledIntervalMs: lockMs },
});
process.stdout.write('ready\n');
