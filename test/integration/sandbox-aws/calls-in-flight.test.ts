// The AWS clients from createAwsClients against a slowed local endpoint: at most
// MAX_CALLS_IN_FLIGHT calls per client are built, signed and sent at once; the others wait
// unbuilt (a request signed long before it leaves would be refused once five minutes old), and
// every call still completes.
import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AwsClients,
  createAwsClients,
  MAX_CALLS_IN_FLIGHT,
} from '../../../src/aws/aws-clients.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';
import { testWorld } from './support.js';

let sandbox: AwsSandbox;
let aws: AwsClients;
beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: testWorld(), time: { mode: 'manual' } });
  aws = createAwsClients({
    endpoint: sandbox.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  aws.destroy();
  await sandbox.close();
});

it('builds and sends at most MAX_CALLS_IN_FLIGHT calls at once per client; all complete', async () => {
  sandbox.control.injectFault('GetPipelineState', { latencyMs: 150 });
  const client = aws.codepipeline({ region: 'us-east-1' });
  let signing = 0;
  let most = 0;
  // Innermost: runs once a request is built and signed, until its answer is back.
  client.middlewareStack.add(
    (next) => async (args) => {
      signing += 1;
      most = Math.max(most, signing);
      try {
        return await next(args);
      } finally {
        signing -= 1;
      }
    },
    { step: 'finalizeRequest', name: 'testCountInFlight', priority: 'low' },
  );
  try {
    const calls = Array.from({ length: MAX_CALLS_IN_FLIGHT * 2 + 20 }, () =>
      client.send(new GetPipelineStateCommand({ name: 'web-app' })),
    );
    const answers = await Promise.all(calls);
    expect(answers.every((a) => a.pipelineName === 'web-app')).toBe(true);
    expect(most).toBe(MAX_CALLS_IN_FLIGHT);
    expect(sandbox.control.calls({ operation: 'GetPipelineState' })).toHaveLength(calls.length);
  } finally {
    client.middlewareStack.remove('testCountInFlight');
    sandbox.control.clearFaults();
  }
});
