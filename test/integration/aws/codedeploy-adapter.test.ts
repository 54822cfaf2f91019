// The CodeDeploy door against the local AWS endpoint: BatchGetDeployments sent and mapped in one
// place (≤ 25 ids a call, newest first, each call asked of a caller's budget), ListDeployments
// read with the SDK's paginator, and the release facts built on them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../src/aws/aws-clients.js';
import { createCodeDeployAdapter } from '../../../src/aws/codedeploy-adapter.js';
import { deploymentFacts } from '../../../src/aws/release-facts.js';
import { type AwsSandbox, startAwsSandbox } from '../../../src/sandbox/aws/index.js';

const WORLD = new URL('../../../src/sandbox/aws/worlds/demo.yml', import.meta.url).pathname;
const APP = 'billing-api';
const GROUP = 'prod-eu';
/** The demo world's deployments, oldest first. */
const DEMO = ['d-4J7KQ2M8A', 'd-8R2TZ5W1B', 'd-3N6PX9C4D'];
let sandbox: AwsSandbox;
let aws: AwsClients;
const account = { region: 'eu-west-1' };

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: WORLD });
  aws = createAwsClients({
    endpoint: sandbox.url,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});
afterAll(async () => {
  aws.destroy();
  await sandbox.close();
});
beforeEach(() => sandbox.control.clearCalls());

const batchCalls = () => sandbox.control.calls({ operation: 'BatchGetDeployments' });

describe('getDeployments', () => {
  it('maps the deployments newest first, leaving unknown ids out', async () => {
    const cd = createCodeDeployAdapter(aws, account);
    const got = await cd.getDeployments(APP, [...DEMO, 'd-NOSUCH000']);
    expect(got.map((d) => d.deploymentId)).toEqual([...DEMO].reverse());
    expect(got[0]).toMatchObject({
      status: 'Succeeded',
      description: 'billing-api 3.15.0',
      application: APP,
      deploymentGroup: GROUP,
      completeTime: new Date('2026-11-19T16:27:05Z'),
      revision: {
        revisionType: 'S3',
        s3Location: { bucket: 'acme-billing-artifacts', key: 'billing-api/3.15.0.zip' },
      },
    });
    expect(batchCalls()).toHaveLength(1);
  });

  it('asks for at most 25 ids a call, and the budget before each call', async () => {
    const cd = createCodeDeployAdapter(aws, account);
    const ids = [
      ...DEMO,
      ...Array.from({ length: 27 }, (_, i) => `d-ZZ${String(i).padStart(7, '0')}`),
    ];
    const got = await cd.getDeployments(APP, ids, { mayCall: () => true });
    expect(got?.map((d) => d.deploymentId)).toEqual([...DEMO].reverse());
    expect(batchCalls().map((c) => (c.input.deploymentIds as string[]).length)).toEqual([25, 5]);

    sandbox.control.clearCalls();
    let allowed = 1;
    expect(await cd.getDeployments(APP, ids, { mayCall: () => allowed-- > 0 })).toBeUndefined();
    expect(batchCalls()).toHaveLength(1);
  });
});

describe('listDeploymentIds and listRecent', () => {
  it('list the group newest first; one page unless more are asked for', async () => {
    const cd = createCodeDeployAdapter(aws, account);
    expect(await cd.listDeploymentIds(APP, GROUP)).toEqual([...DEMO].reverse());
    expect(sandbox.control.calls({ operation: 'ListDeployments' })).toHaveLength(1);
    const recent = await cd.listRecent(APP, GROUP, 2);
    expect(recent.map((d) => d.deploymentId)).toEqual([DEMO[2], DEMO[1]]);
  });

  it('a refused budget lists nothing and calls nothing', async () => {
    const cd = createCodeDeployAdapter(aws, account);
    expect(await cd.listDeploymentIds(APP, GROUP, { mayCall: () => false })).toBeUndefined();
    expect(sandbox.control.calls({ operation: 'ListDeployments' })).toHaveLength(0);
  });
});

describe('deploymentFacts', () => {
  it("read with one BatchGetDeployments: a release's revision, and no rollback", async () => {
    const facts = await deploymentFacts(aws, account, DEMO[2]!);
    expect(facts).toMatchObject({
      releaseId: DEMO[2],
      isRollback: false,
      sourceRevisions: [
        {
          actionName: 'S3',
          revisionId:
            's3://acme-billing-artifacts/billing-api/3.15.0.zip@Qw2ErT5yUi8oP1aS4dF7gH0jK3lZ6xCv',
        },
      ],
      awsRollback: { rollingBack: false },
    });
    expect(batchCalls().map((c) => c.input.deploymentIds)).toEqual([[DEMO[2]]]);
  });

  it('a failed deployment in a group that rolls back on failure: AWS rolls it back', async () => {
    const { deploymentId } = sandbox.control.startDeployment(APP, GROUP, {
      region: 'eu-west-1',
      revision: { s3: { bucket: 'builds', key: 'billing-bad.zip' } },
      outcome: { fail: true },
    });
    sandbox.control.runUntilIdle();
    const facts = await deploymentFacts(aws, account, deploymentId);
    expect(facts.awsRollback.rollingBack).toBe(true);
  });
});
