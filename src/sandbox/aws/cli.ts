// `npm run aws-sandbox -- --port <n> [--world <file>] [--realtime] [--stage-duration <ms|60s>] [--speed <x>]`
import { parseArgs } from 'node:util';
import ms from 'ms';
import { startAwsSandbox } from './index.js';
import type { TimeMode } from './state.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4566' },
    host: { type: 'string', default: '127.0.0.1' },
    world: { type: 'string' },
    realtime: { type: 'boolean', default: false },
    'stage-duration': { type: 'string' },
    speed: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'usage: npm run aws-sandbox -- [--port 4566] [--host 127.0.0.1] [--world file.yml] [--realtime] [--stage-duration 20s] [--speed 1]',
  );
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got '${values.port}'`);
  process.exit(2);
}

let time: TimeMode = { mode: 'manual' };
if (values.realtime) {
  const d = values['stage-duration'];
  const stageDurationMs =
    d === undefined ? undefined : /^\d+$/.test(d) ? Number(d) : ms(d as ms.StringValue);
  if (
    stageDurationMs !== undefined &&
    (typeof stageDurationMs !== 'number' || Number.isNaN(stageDurationMs))
  ) {
    console.error(`--stage-duration must be milliseconds or a duration like 20s, got '${d}'`);
    process.exit(2);
  }
  time = {
    mode: 'realtime',
    ...(stageDurationMs !== undefined ? { stageDurationMs } : {}),
    ...(values.speed ? { speed: Number(values.speed) } : {}),
  };
}

try {
  const sandbox = await startAwsSandbox({
    port,
    host: values.host,
    ...(values.world ? { world: values.world } : {}),
    time,
  });
  console.log(`AWS sandbox listening on ${sandbox.url} (time: ${time.mode})`);
  console.log(
    `  export AWS_ENDPOINT_URL=${sandbox.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x`,
  );
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (err) {
  console.error(`aws-sandbox: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
