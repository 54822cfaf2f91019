// deploy/ from rollback.config.example.yml (the bot in 111122223333, us-east-1, the account of the
// shared event fixtures), with the bot on Fargate in Socket Mode on one Valkey node. One synth for
// the whole file: rules and patterns per resource, the real event shapes against them, the
// connection, retries and dead letters, the IAM table, the ECS services and ElastiCache.
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_SECRET_HEADER } from '../../../src/events/shared-secret.js';
import { type FixtureName, fixture } from '../../fixtures/aws-events.js';
import {
  type Cfn,
  matches,
  REPO,
  readmeIamTable,
  resources,
  type Synthesized,
  synthInstall,
} from './deploy-stacks.js';

/** The shared fixtures' account, where this install is imagined deployed. */
const ACCOUNT = '111122223333';
/** The bot's own account, as the stacks name it: wherever they are deployed. */
const HOME = '<AWS::AccountId>';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rollback-bot-AbCdEf';
let s: Synthesized;
const events = () => s.templates.RollbackBotEvents!;
const forwarder = () => s.templates['RollbackBotForward-Home-eu-west-1']!;
const service = () => s.templates.RollbackBotService!;

beforeAll(async () => {
  s = await synthInstall('rollback.config.example.yml', {
    account: ACCOUNT,
    botUrl: 'https://rollback.example.com',
    secretArn: SECRET,
    service: { image: 'ghcr.io/example/rollback-bot:1.4.0', configYaml: '', slack: 'socket' },
  });
}, 60_000);

/** A pattern as it reads once deployed in `account`. */
const deployedIn = (account: string, pattern: unknown) =>
  JSON.parse(JSON.stringify(pattern).replaceAll(HOME, account));

/** Every rule of the install: where it lives (stack, bus) → its rendered pattern. */
function allRules(): Array<{ where: string; pattern: Record<string, unknown>; props: Cfn }> {
  return Object.entries(s.templates).flatMap(([stack, t]) =>
    Object.values(resources(t, 'AWS::Events::Rule')).map((props) => ({
      where: `${stack}${props.EventBusName ? ` bus ${props.EventBusName}` : ''}`,
      pattern: props.EventPattern,
      props,
    })),
  );
}

describe('event rules from the example config', () => {
  it('names exactly the pipelines, guarded stages, deployment groups and alarms, per region', () => {
    const where = (region: string) => ({ account: [HOME], region: [region] });
    expect(allRules().map((r) => [r.where, r.pattern])).toEqual([
      [
        'RollbackBotEvents',
        {
          source: ['aws.codepipeline'],
          'detail-type': ['CodePipeline Pipeline Execution State Change'],
          ...where('us-east-1'),
          detail: { pipeline: ['web-app'] },
        },
      ],
      [
        'RollbackBotEvents',
        {
          source: ['aws.codepipeline'],
          'detail-type': [
            'CodePipeline Stage Execution State Change',
            'CodePipeline Action Execution State Change',
          ],
          ...where('us-east-1'),
          detail: { pipeline: ['web-app'], stage: ['Deploy-Staging', 'Deploy'] },
        },
      ],
      [
        'RollbackBotEvents',
        {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          ...where('us-east-1'),
          detail: { alarmName: ['web-prod-5xx', 'web-prod-latency-p99', 'prod-sev1'] },
        },
      ],
      ...['RollbackBotEvents bus <IntakeBus925AA7B0>', 'RollbackBotForward-Home-eu-west-1'].flatMap(
        (w) => [
          [
            w,
            {
              source: ['aws.codedeploy'],
              'detail-type': ['CodeDeploy Deployment State-change Notification'],
              ...where('eu-west-1'),
              detail: { application: ['billing-api'], deploymentGroup: ['prod-eu'] },
            },
          ],
          [
            w,
            {
              source: ['aws.cloudwatch'],
              'detail-type': ['CloudWatch Alarm State Change'],
              ...where('eu-west-1'),
              detail: { alarmName: ['billing-eu-5xx'] },
            },
          ],
        ],
      ),
    ]);
  });

  it('matches the real event shapes once per hop, and nothing the config does not name', () => {
    const hits = (e: Record<string, unknown>) =>
      allRules()
        .filter((r) => matches(deployedIn(ACCOUNT, r.pattern), e))
        .map((r) => r.where);
    const home = ['RollbackBotEvents'];
    const cases: Array<[FixtureName, string[]]> = [
      ['codepipeline-pipeline-failed', home],
      ['codepipeline-stage-failed', home],
      ['codepipeline-stage-succeeded', home],
      ['codepipeline-action-failed', home],
      ['cloudwatch-alarm-raised', home],
      ['cloudwatch-composite-alarm-raised', home],
      [
        'codedeploy-deployment-failed',
        ['RollbackBotEvents bus <IntakeBus925AA7B0>', 'RollbackBotForward-Home-eu-west-1'],
      ],
    ];
    for (const [name, expected] of cases)
      expect([name, hits(fixture(name))]).toEqual([name, expected]);
    const stage = fixture('codepipeline-stage-failed');
    expect(hits({ ...stage, detail: { ...stage.detail, stage: 'Build' } })).toEqual([]);
    expect(hits({ ...stage, account: '999999999999' })).toEqual([]);
    expect(hits({ ...stage, region: 'eu-west-1' })).toEqual([]);
    const alarm = fixture('cloudwatch-alarm-raised');
    expect(hits({ ...alarm, detail: { ...alarm.detail, alarmName: 'someone-elses' } })).toEqual([]);
  });
});

describe('the API destination', () => {
  it('sends the secret in the header /aws/events checks, from Secrets Manager', () => {
    expect(SHARED_SECRET_HEADER).toBe('x-rollback-bot-secret');
    const [connection] = Object.values(resources(events(), 'AWS::Events::Connection'));
    expect(connection).toEqual({
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: {
          ApiKeyName: SHARED_SECRET_HEADER,
          ApiKeyValue:
            '{{resolve:secretsmanager:<BotSecretArn>:SecretString:<BotSecretJsonKey>::}}',
        },
      },
      Description: 'rollback-bot: the shared secret /aws/events checks',
    });
    events().templateMatches({
      Parameters: {
        BotSecretArn: { Default: SECRET },
        BotSecretJsonKey: { Default: 'EVENTS_SHARED_SECRET' },
        BotUrl: { Default: 'https://rollback.example.com', AllowedPattern: '^https://[^/]+$' },
      },
    });
  });

  it('POSTs to /aws/events at a bounded rate', () => {
    const [destination] = Object.values(resources(events(), 'AWS::Events::ApiDestination'));
    expect(destination).toMatchObject({
      HttpMethod: 'POST',
      InvocationEndpoint: '<BotUrl>/aws/events',
      InvocationRateLimitPerSecond: '<InvocationRateLimitPerSecond>',
    });
    events().templateMatches({
      Parameters: { InvocationRateLimitPerSecond: { Default: 20, MinValue: 1, MaxValue: 300 } },
    });
  });

  it('retries every rule for 24 h, 185 times, then dead-letters it', () => {
    const [dlqId] = Object.keys(resources(events(), 'AWS::SQS::Queue'));
    const rules = resources(events(), 'AWS::Events::Rule');
    for (const rule of Object.values(rules)) {
      expect(rule.Targets).toEqual([
        expect.objectContaining({
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: `<${dlqId}.Arn>` },
        }),
      ]);
    }
    const [policy] = Object.values(resources(events(), 'AWS::SQS::QueuePolicy'));
    const senders = policy!.PolicyDocument.Statement.filter(
      (st: Cfn) => st.Action === 'sqs:SendMessage',
    ).map((st: Cfn) => [st.Principal, st.Condition.ArnEquals['aws:SourceArn']]);
    expect(senders).toEqual(
      Object.keys(rules).map((id) => [{ Service: 'events.amazonaws.com' }, `<${id}.Arn>`]),
    );
    events().hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600 });
    const forwarded = Object.values(resources(forwarder(), 'AWS::Events::Rule'));
    for (const rule of forwarded) expect(rule.Targets[0].DeadLetterConfig).toBeDefined();
  });
});

describe("the bot's IAM policies", () => {
  const policies = () =>
    Object.values(resources(events(), 'AWS::IAM::ManagedPolicy')).map((p) => ({
      feature: String(p.Description).replace('rollback-bot: ', ''),
      statements: p.PolicyDocument.Statement.map((st: Cfn) => ({
        actions: [st.Action].flat(),
        resources: [st.Resource].flat(),
      })),
    }));

  it('grant exactly the actions of the README table, feature by feature', () => {
    const table = readmeIamTable();
    const synthesized = policies();
    expect(synthesized.map((p) => p.feature)).toEqual(
      [...table.keys()].filter((f) => f !== 'another account'),
    );
    for (const p of synthesized) {
      expect([p.feature, p.statements.flatMap((st: Cfn) => st.actions).sort()]).toEqual([
        p.feature,
        [...table.get(p.feature)!].sort(),
      ]);
    }
  });

  it('name the ARNs of the config, with no * resource where an ARN is known', () => {
    const arn = (svc: string, region: string, rest: string) =>
      `arn:aws:${svc}:${region}:${HOME}:${rest}`;
    const pipeline = arn('codepipeline', 'us-east-1', 'web-app');
    const group = arn('codedeploy', 'eu-west-1', 'deploymentgroup:billing-api/prod-eu');
    expect(Object.fromEntries(policies().map((p) => [p.feature, p.statements]))).toEqual({
      'read releases, diff, status': [{ actions: expect.any(Array), resources: [pipeline] }],
      'roll back a stage': [{ actions: ['codepipeline:RollbackStage'], resources: [pipeline] }],
      'lock after rollback, freezes, blocking alarms': [
        {
          actions: expect.any(Array),
          resources: [`${pipeline}/Deploy-Staging`, `${pipeline}/Deploy`],
        },
      ],
      'stop a running execution': [
        { actions: ['codepipeline:StopPipelineExecution'], resources: [pipeline] },
      ],
      'CodeDeploy status': [
        { actions: expect.any(Array), resources: [group] },
        {
          actions: ['codedeploy:GetApplicationRevision'],
          resources: [arn('codedeploy', 'eu-west-1', 'application:billing-api')],
        },
      ],
      'CodeDeploy rollback': [
        {
          actions: ['codedeploy:CreateDeployment', 'codedeploy:StopDeployment'],
          resources: [group],
        },
        // Which deployment configuration the group uses is not in the config.
        {
          actions: ['codedeploy:GetDeploymentConfig'],
          resources: [arn('codedeploy', 'eu-west-1', 'deploymentconfig:*')],
        },
      ],
      'alarms (bake window, blocking, recovery)': [
        {
          actions: ['cloudwatch:DescribeAlarms'],
          resources: [
            ...['web-prod-5xx', 'web-prod-latency-p99', 'prod-sev1'].map((a) =>
              arn('cloudwatch', 'us-east-1', `alarm:${a}`),
            ),
            arn('cloudwatch', 'eu-west-1', 'alarm:billing-eu-5xx'),
          ],
        },
      ],
    });
  });

  it('leave * only where AWS has no resource to name, in every stack', () => {
    for (const [stack, t] of Object.entries(s.templates)) {
      for (const type of ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy']) {
        for (const p of Object.values(resources(t, type))) {
          for (const st of p.PolicyDocument.Statement) {
            if ([st.Resource].flat().includes('*')) {
              expect([stack, st.Action]).toEqual([stack, 'ecr:GetAuthorizationToken']);
            }
          }
        }
      }
    }
  });
});

describe('the bot on Fargate, Socket Mode, one Valkey node', () => {
  const container = (role: 'web' | 'worker') => {
    const defs = Object.values(resources(service(), 'AWS::ECS::TaskDefinition'));
    const c = defs
      .map((d) => d.ContainerDefinitions[0])
      .find((d) => d.Environment.some((e: Cfn) => e.Name === 'ROLE' && e.Value === role));
    return {
      env: Object.fromEntries(c.Environment.map((e: Cfn) => [e.Name, e.Value])),
      secrets: Object.fromEntries(c.Secrets.map((x: Cfn) => [x.Name, x.ValueFrom])),
      health: c.HealthCheck,
      command: c.Command,
    };
  };

  it('runs web and worker from one image with the environment src/config/env.ts reads', () => {
    const text = readFileSync(`${REPO}/rollback.config.example.yml`, 'utf8');
    for (const role of ['web', 'worker'] as const) {
      const c = container(role);
      expect(c.env).toEqual({
        ROLE: role,
        PORT: '3000',
        REDIS_URL: expect.stringMatching(
          /^rediss:\/\/<RedisReplicationGroup\w+\.PrimaryEndPoint\.Address>:<RedisReplicationGroup\w+\.PrimaryEndPoint\.Port>$/,
        ),
        REDIS_MODE: 'single',
        REDIS_PREFIX: '{rollback}',
        AWS_REGION: 'us-east-1',
        ROLLBACK_CONFIG: '/tmp/rollback.config.yml',
        ROLLBACK_CONFIG_YAML: text,
        LOG_LEVEL: 'info',
      });
      expect(Object.keys(c.secrets).sort()).toEqual(['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN']);
      expect(c.secrets.SLACK_APP_TOKEN).toBe(`${SECRET}:SLACK_APP_TOKEN::`);
      expect(c.command.join(' ')).toContain('> /tmp/rollback.config.yml && exec node');
      expect(c.health).toMatchObject({ Interval: 15, Retries: 3, Timeout: 5 });
      expect(c.health.Command.join(' ')).toContain("fetch('http://127.0.0.1:3000/healthz')");
    }
    const image = service().findResources('AWS::ECS::TaskDefinition');
    expect(JSON.stringify(image)).toContain('ghcr.io/example/rollback-bot:1.4.0');
  });

  it('has no load balancer in Socket Mode, and says the poller must do the events', () => {
    service().resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    service().resourceCountIs('AWS::ECS::Service', 2);
    const warnings = s.install.service!.node.metadata.filter((m) => m.type === 'aws:cdk:warning');
    expect(JSON.stringify(warnings)).toContain('events.poll.enabled');
  });

  it('gives the tasks the feature policies', () => {
    const [role] = Object.entries(resources(service(), 'AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('TaskRole'),
    );
    expect(role![1].ManagedPolicyArns).toHaveLength(7);
    expect(JSON.stringify(role![1].ManagedPolicyArns)).toContain('Fn::ImportValue');
  });

  it('keeps Valkey at noeviction, one node, TLS, and a snapshot when removed', () => {
    service().hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'noeviction' },
    });
    service().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      NumCacheClusters: 1,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^RedisParameters') },
    });
    service().hasResource('AWS::ElastiCache::ReplicationGroup', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });
});
