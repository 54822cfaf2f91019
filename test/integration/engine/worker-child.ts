// A rollback worker in its own process, for the crash test. Wired like ROLE=worker, from
// environment values the test passes; prints "ready" once the worker runs.
import { createAwsClients } from '../../../src/aws/aws-clients.js';
import { startRollbackWorkers } from '../../../src/jobs/rollback-workers.js';
import { createLogger } from '../../../src/log.js';
import { createRedis } from '../../../src/store/redis.js';
import { CREDENTIALS, engineConfig, FAST } from './engine-config.js';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`worker-child: ${name} is required`);
  return v;
}

const connection = createRedis(need('REDIS_URL'), 'worker');
await startRollbackWorkers({
  connection,
  config: engineConfig(),
  aws: createAwsClients({ endpoint: need('AWS_ENDPOINT_URL'), credentials: CREDENTIALS }),
  queue: { name: need('QUEUE_NAME'), prefix: need('QUEUE_PREFIX') },
  store: { prefix: need('STORE_PREFIX') },
  log: createLogger('silent'),
  lockDurationMs: Number(need('LOCK_MS')),
  stalledIntervalMs: Number(need('LOCK_MS')),
  ...FAST,
});
process.stdout.write('ready\n');
