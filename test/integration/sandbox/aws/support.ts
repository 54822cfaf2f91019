// Shared set-up: a small world and real SDK clients pointed at the sandbox.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type AwsClients, createAwsClients } from '../../../../src/aws/aws-clients.js';
import { type AwsSandbox, startAwsSandbox, type World } from '../../../../src/sandbox/aws/index.js';

const credentials = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };

export function clients(url: string, region = 'us-east-1', maxAttempts = 1) {
  const common = { endpoint: url, region, credentials, maxAttempts };
  return {
    codepipeline: new CodePipelineClient(common),
    codedeploy: new CodeDeployClient(common),
    cloudwatch: new CloudWatchClient(common),
  };
}

export const OLD_OK = '11111111-1111-4111-8111-111111111111';
export const GOOD = '22222222-2222-4222-8222-222222222222';
export const BAD = '33333333-3333-4333-8333-333333333333';
export const OLD_VERSION = '44444444-4444-4444-8444-444444444444';
export const PAST_ROLLBACK = '55555555-5555-4555-8555-555555555555';

const stages = [
  {
    name: 'Source',
    actions: [
      { name: 'Source', category: 'Source' as const, provider: 'CodeStarSourceConnection' },
    ],
  },
  {
    name: 'Build',
    actions: [{ name: 'Build', category: 'Build' as const, provider: 'CodeBuild' }],
  },
  {
    name: 'Deploy',
    actions: [
      { name: 'DeployToFleet', category: 'Deploy' as const, provider: 'CodeDeploy', runOrder: 1 },
      { name: 'SmokeTest', category: 'Test' as const, provider: 'CodeBuild', runOrder: 2 },
    ],
  },
];

const rev = (id: string, message: string) => ({
  id,
  message,
  author: 'dev',
  url: `https://github.com/acme/web-app/commit/${id}`,
});

export function testWorld(): World {
  return {
    now: '2026-11-20T15:00:00Z',
    pipelines: [
      {
        name: 'web-app',
        region: 'us-east-1',
        version: 7,
        repository: 'acme/web-app',
        stages,
        executions: [
          {
            id: OLD_VERSION,
            status: 'Succeeded',
            startTime: '2026-11-18T10:00:00Z',
            pipelineVersion: 6,
            revision: rev('a'.repeat(40), 'old structure'),
          },
          {
            id: OLD_OK,
            status: 'Succeeded',
            startTime: '2026-11-19T10:00:00Z',
            revision: rev('b'.repeat(40), 'older release'),
          },
          {
            id: PAST_ROLLBACK,
            status: 'Succeeded',
            startTime: '2026-11-19T12:00:00Z',
            executionType: 'ROLLBACK',
            rollbackTargetPipelineExecutionId: OLD_OK,
            trigger: { type: 'ManualRollback' },
            revision: rev('b'.repeat(40), 'older release'),
            stages: { Deploy: 'Succeeded' },
          },
          {
            id: GOOD,
            status: 'Succeeded',
            startTime: '2026-11-20T11:30:00Z',
            revision: rev('c'.repeat(40), 'good release'),
            variables: { RELEASE: 'good' },
          },
          {
            id: BAD,
            status: 'Failed',
            startTime: '2026-11-20T13:58:00Z',
            revision: rev('d'.repeat(40), 'bad release'),
          },
        ],
      },
      {
        name: 'api',
        region: 'eu-west-1',
        version: 2,
        stages: [
          stages[0]!,
          {
            name: 'Deploy',
            onFailure: 'ROLLBACK',
            duration: '2m',
            actions: [{ name: 'Deploy', provider: 'CodeDeploy' }],
          },
        ],
        executions: [
          {
            id: OLD_OK,
            status: 'Succeeded',
            startTime: '2026-11-19T10:00:00Z',
            revision: rev('e'.repeat(40), 'api ok'),
          },
        ],
      },
    ],
    codedeploy: {
      applications: [
        {
          name: 'billing-api',
          region: 'eu-west-1',
          groups: [
            {
              name: 'prod-eu',
              autoRollbackConfiguration: {
                enabled: true,
                events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
              },
              alarmConfiguration: { enabled: true, alarms: ['billing-eu-5xx'] },
              deployments: [
                {
                  id: 'd-AAAAAAAA1',
                  status: 'Succeeded',
                  createTime: '2026-11-18T09:00:00Z',
                  revision: { s3: { bucket: 'acme-builds', key: 'billing/1.zip' } },
                },
                {
                  id: 'd-AAAAAAAA2',
                  status: 'Succeeded',
                  createTime: '2026-11-19T09:00:00Z',
                  revision: { s3: { bucket: 'acme-builds', key: 'billing/2.zip', eTag: 'abc' } },
                },
              ],
            },
            { name: 'staging-eu', deployments: [] },
          ],
        },
      ],
    },
    alarms: [
      {
        name: 'web-prod-5xx',
        description: '5XX responses above 2% for 2 minutes',
        region: 'us-east-1',
        metric: {
          namespace: 'AWS/ApplicationELB',
          name: 'HTTPCode_Target_5XX_Count',
          dimensions: { LoadBalancer: 'app/web-prod/50dc6c495c0c9188' },
        },
      },
      {
        name: 'web-prod-latency-p99',
        region: 'us-east-1',
        metric: {
          namespace: 'AWS/ApplicationELB',
          name: 'TargetResponseTime',
          statistic: 'Maximum',
        },
      },
      {
        name: 'prod-sev1',
        region: 'us-east-1',
        rule: 'ALARM(web-prod-5xx) OR ALARM("web-prod-latency-p99")',
      },
      {
        name: 'billing-eu-5xx',
        region: 'eu-west-1',
        metric: { namespace: 'AWS/ApplicationELB', name: 'HTTPCode_Target_5XX_Count' },
      },
    ],
  };
}

/**
 * For a test file: a sandbox in manual time with `world`, and the bot's own clients
 * (createAwsClients) pointed at it; started before the file's tests, closed after.
 */
export function sandboxWithBotClients(world: () => World = testWorld): {
  readonly sandbox: AwsSandbox;
  readonly aws: AwsClients;
} {
  let sandbox: AwsSandbox | undefined;
  let aws: AwsClients | undefined;
  beforeAll(async () => {
    sandbox = await startAwsSandbox({ world: world(), time: { mode: 'manual' } });
    aws = createAwsClients({ endpoint: sandbox.url, credentials });
  });
  afterAll(async () => {
    aws?.destroy();
    await sandbox?.close();
  });
  return {
    get sandbox() {
      if (!sandbox) throw new Error('the sandbox starts in beforeAll');
      return sandbox;
    },
    get aws() {
      if (!aws) throw new Error('the clients are made in beforeAll');
      return aws;
    },
  };
}

/**
 * For a test file: a sandbox with `world` (its default time mode) and an SDK client of each
 * service pointed at it; started before the file's tests, reset to `world` before each test,
 * closed after.
 */
export function sandboxWithClients(world: () => World = testWorld): {
  readonly sandbox: AwsSandbox;
  readonly cp: CodePipelineClient;
  readonly cd: CodeDeployClient;
  readonly cw: CloudWatchClient;
} {
  let started: ({ sandbox: AwsSandbox } & ReturnType<typeof clients>) | undefined;
  beforeAll(async () => {
    const sandbox = await startAwsSandbox({ world: world() });
    started = { sandbox, ...clients(sandbox.url) };
  });
  afterAll(async () => {
    started?.codepipeline.destroy();
    started?.codedeploy.destroy();
    started?.cloudwatch.destroy();
    await started?.sandbox.close();
  });
  beforeEach(async () => {
    await started?.sandbox.control.reset();
  });
  const get = () => {
    if (!started) throw new Error('the sandbox starts in beforeAll');
    return started;
  };
  return {
    get sandbox() {
      return get().sandbox;
    },
    get cp() {
      return get().codepipeline;
    },
    get cd() {
      return get().codedeploy;
    },
    get cw() {
      return get().cloudwatch;
    },
  };
}
