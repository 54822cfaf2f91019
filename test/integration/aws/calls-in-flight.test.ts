// The AWS clients from createAwsClients against a slowed local endpoint: at most
// MAX_CALLS_IN_FLIGHT calls per client are built, signed and sent at once; the others wait
// unbuilt (a request signed long before it leaves would be refused once five minutes old), and
// every call still completes.
import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { expect, it } from 'vitest';
import { MAX_CALLS_IN_FLIGHT } from '../../../src/aws/aws-clients.js';
import { sandboxWithBotClients } from '../sandbox/aws/support.js';

const t = sandboxWithBotClients();

it('builds and sends at most MAX_CALLS_IN_FLIGHT calls at once per client; all complete', async () => {
  t.sandbox.control.injectFault('GetPipelineState', { latencyMs: 150 });
  const client = t.aws.codepipeline({ region: 'us-east-1' });
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
    expect(t.sandbox.control.calls({ operation: 'GetPipelineState' })).toHaveLength(calls.length);
  } finally {
    client.middlewareStack.remove('testCountInFlight');
    t.sandbox.control.clearFaults();
  }
});
