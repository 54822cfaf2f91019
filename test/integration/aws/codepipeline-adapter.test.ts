// The CodePipeline door against the local AWS endpoint: listings read with the SDK's paginators
// (page by page, up to the limit, each page asked of a caller's budget), through a read scope
// when the clients are scoped, and the action output variables of a release.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../src/aws/aws-clients.js';
import { AwsCallError } from '../../../src/aws/aws-errors.js';
import { createCodePipelineAdapter } from '../../../src/aws/codepipeline-adapter.js';
import { scopeReads } from '../../../src/aws/read-scope.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';

const WORLD = new URL('../../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const PIPELINE = 'web-app';
/** The demo world's newest release that succeeded everywhere. */
const RELEASE = '3c1e5a7b-9d2f-4b6a-8e1c-0f2a4b6c8d0e';
let sandbox: AwsSandbox;
let aws: AwsClients;
const account = { region: 'us-east-1' };

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: WORLD });
  aws = createAwsClients({
    endpoint: sandbox.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  // 105 more executions: listings of more than one page of 100.
  for (let i = 0; i < 105; i++) {
    sandbox.control.startExecution(PIPELINE, {
      revision: { id: `${String(i).padStart(4, '0')}${'a'.repeat(36)}` },
    });
  }
  sandbox.control.runUntilIdle();
});
afterAll(async () => {
  aws.destroy();
  await sandbox.close();
});
beforeEach(() => sandbox.control.clearCalls());

const listCalls = () => sandbox.control.calls({ operation: 'ListPipelineExecutions' });

describe('listExecutions', () => {
  it('reads pages until the limit, newest first', async () => {
    const cp = createCodePipelineAdapter(aws, account);
    const got = await cp.listExecutions(PIPELINE, { limit: 150 });
    expect(got).toHaveLength(110);
    const times = got.map((e) => e.startTime.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(listCalls().map((c) => c.input.maxResults)).toEqual([100, 100]);
  });

  it('stops at the limit: a limit within one page is one call', async () => {
    const got = await createCodePipelineAdapter(aws, account).listExecutions(PIPELINE, {
      limit: 20,
    });
    expect(got).toHaveLength(20);
    expect(listCalls()).toHaveLength(1);
  });

  it('carries what started each execution', async () => {
    const got = await createCodePipelineAdapter(aws, account).listExecutions(PIPELINE, {
      limit: 200,
    });
    expect(got.find((e) => e.executionId === RELEASE)).toMatchObject({
      executionType: 'STANDARD',
      triggerType: 'Webhook',
      triggerDetail: 'arn:aws:codestar-connections:us-east-1:111122223333:connection/0a1b2c3d',
      sourceRevisions: [{ revisionId: 'c4ca4238a0b923820dcc509a6f75849b2e1f3d4a' }],
    });
  });

  it('asks the budget before each page; a refusal answers nothing, all or nothing', async () => {
    const cp = createCodePipelineAdapter(aws, account);
    let allowed = 1;
    const asked: number[] = [];
    const got = await cp.listExecutions(PIPELINE, {
      limit: 150,
      mayCall: () => {
        asked.push(allowed);
        return allowed-- > 0;
      },
    });
    expect(got).toBeUndefined();
    expect(asked).toHaveLength(2);
    expect(listCalls()).toHaveLength(1);
  });

  it('a budget that allows every page answers as a read without one', async () => {
    const cp = createCodePipelineAdapter(aws, account);
    let asked = 0;
    const got = await cp.listExecutions(PIPELINE, {
      limit: 150,
      mayCall: () => ++asked > 0,
    });
    expect(got).toHaveLength(110);
    expect(asked).toBe(2);
  });

  it('through a read scope, the same listing is read from AWS once', async () => {
    const scoped = scopeReads(aws);
    const cp = createCodePipelineAdapter(scoped, account);
    const [a, b] = await Promise.all([
      cp.listExecutions(PIPELINE, { limit: 150 }),
      cp.listExecutions(PIPELINE, { limit: 150 }),
    ]);
    expect(b).toEqual(a);
    expect(listCalls()).toHaveLength(2); // two pages, once each
    await cp.listExecutions(PIPELINE, { limit: 150 });
    expect(listCalls()).toHaveLength(2);
    scoped.destroy();
  });

  it('a failed page is a coded error naming the operation', async () => {
    sandbox.control.injectFault('ListPipelineExecutions', {
      error: { type: 'AccessDenied', message: 'not authorized' },
    });
    const err = await createCodePipelineAdapter(aws, account)
      .listExecutions(PIPELINE, { limit: 10 })
      .catch((e: unknown) => e);
    sandbox.control.clearFaults();
    expect(err).toBeInstanceOf(AwsCallError);
    expect((err as AwsCallError).operation).toBe('ListPipelineExecutions');
  });
});

describe('getActionOutputVariables', () => {
  it("answers the build's variables as Action.NAME, without the source action's", async () => {
    const vars = await createCodePipelineAdapter(aws, account).getActionOutputVariables(
      PIPELINE,
      RELEASE,
    );
    expect(vars).toEqual({
      'Build.DEPENDENCIES': 'express@4.19.2,pg@8.12.0,ioredis@5.4.1,@aws-sdk/client-s3@3.610.0',
    });
    expect(sandbox.control.calls({ operation: 'ListActionExecutions' })).toHaveLength(1);
  });
});

describe('getExecution', () => {
  it('maps GetPipelineExecution: revisions, trigger and variables', async () => {
    const e = await createCodePipelineAdapter(aws, account).getExecution(PIPELINE, RELEASE);
    expect(e).toMatchObject({
      executionId: RELEASE,
      status: 'Succeeded',
      triggerType: 'Webhook',
      sourceRevisions: [{ revisionId: 'c4ca4238a0b923820dcc509a6f75849b2e1f3d4a' }],
      detail: { variables: { RELEASE_TAG: 'v2026.11.20-1' } },
    });
  });
});
