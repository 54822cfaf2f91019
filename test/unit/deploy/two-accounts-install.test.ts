// deploy/ from a config with two accounts and two regions (test/fixtures/deploy): the bot in
// 111111111111 us-east-1, production in 222222222222 (us-east-1, eu-west-1) through two roles,
// a CodeDeploy group of the bot's account in eu-west-1. The bot on Fargate over HTTP with Redis
// OSS in cluster mode, and the SNS route. One synth for the file.
import { App, Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInstall } from '../../../deploy/build-stacks.js';
import { readInstallConfig } from '../../../deploy/read-config.js';
import {
  type Cfn,
  REPO,
  readmeIamTable,
  render,
  resources,
  type Synthesized,
  synthInstall,
} from './deploy-stacks.js';

const CONFIG = 'test/fixtures/deploy/two-accounts.config.yml';
const BOT = '111111111111';
const PROD = '222222222222';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:rollback-bot-AbCdEf';
const IMAGE = '111111111111.dkr.ecr.us-east-1.amazonaws.com/rollback-bot:1.4.0';
/** The bot's own account as its stacks name it (they deploy where the credentials point). */
const HOME = '<AWS::AccountId>';
const bus = (account: string) =>
  `arn:aws:events:us-east-1:${account}:event-bus/rollback-bot-intake`;
let s: Synthesized;
const t = (name: string) => s.templates[name]!;

beforeAll(async () => {
  s = await synthInstall(CONFIG, {
    account: BOT,
    secretArn: SECRET,
    sns: true,
    service: {
      image: IMAGE,
      configYaml: '',
      slack: 'http',
      publicUrl: 'https://rollback.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/0c1d2e3f',
      redis: { mode: 'cluster', engine: 'redis' },
    },
  });
}, 60_000);

const patternsOf = (name: string) =>
  Object.values(resources(t(name), 'AWS::Events::Rule')).map((r) => ({
    bus: r.EventBusName ?? 'default',
    ...r.EventPattern,
  }));

describe('events from two accounts and two regions', () => {
  it('makes a stack per site: the bot, and a forwarder for each other site', () => {
    const account = (a: string) => (Token.isUnresolved(a) ? 'home' : a);
    expect(s.install.forwarders.map((f) => [f.stackName, account(f.account), f.region])).toEqual([
      ['RollbackBotForward-Home-eu-west-1', 'home', 'eu-west-1'],
      [`RollbackBotForward-${PROD}-us-east-1`, PROD, 'us-east-1'],
      [`RollbackBotForward-${PROD}-eu-west-1`, PROD, 'eu-west-1'],
    ]);
    expect([account(s.install.events.account), s.install.events.region]).toEqual([
      'home',
      'us-east-1',
    ]);
  });

  it('calls the bot for the home site on the default bus, for the others on its intake bus', () => {
    const summary = patternsOf('RollbackBotEvents').map((p: Cfn) => [
      p.bus === 'default' ? 'default' : 'intake',
      p.account[0],
      p.region[0],
      p['detail-type'].length === 2 ? 'stages' : p.source[0],
      p.detail,
    ]);
    expect(summary).toEqual([
      ['default', HOME, 'us-east-1', 'aws.codepipeline', { pipeline: ['web-app'] }],
      [
        'default',
        HOME,
        'us-east-1',
        'stages',
        { pipeline: ['web-app'], stage: ['Deploy-Staging'] },
      ],
      ['default', HOME, 'us-east-1', 'aws.cloudwatch', { alarmName: ['web-staging-5xx'] }],
      [
        'intake',
        HOME,
        'eu-west-1',
        'aws.codedeploy',
        { application: ['billing-api'], deploymentGroup: ['staging-eu'] },
      ],
      ['intake', PROD, 'us-east-1', 'aws.codepipeline', { pipeline: ['web-app'] }],
      [
        'intake',
        PROD,
        'us-east-1',
        'stages',
        { pipeline: ['web-app'], stage: ['Canary', 'Deploy'] },
      ],
      ['intake', PROD, 'us-east-1', 'aws.cloudwatch', { alarmName: ['web-prod-5xx', 'prod-sev1'] }],
      ['intake', PROD, 'eu-west-1', 'aws.codepipeline', { pipeline: ['web-app-eu'] }],
      ['intake', PROD, 'eu-west-1', 'stages', { pipeline: ['web-app-eu'], stage: ['Deploy'] }],
      [
        'intake',
        PROD,
        'eu-west-1',
        'aws.codedeploy',
        { application: ['billing-api'], deploymentGroup: ['prod-eu'] },
      ],
      [
        'intake',
        PROD,
        'eu-west-1',
        'aws.cloudwatch',
        { alarmName: ['billing-eu-5xx', 'prod-sev1'] },
      ],
    ]);
  });

  it('forwards with the same patterns, to the intake bus only, dead-lettering what fails', () => {
    const intake = patternsOf('RollbackBotEvents').filter((p) => p.bus !== 'default');
    const forwarded = s.install.forwarders.flatMap((f) => patternsOf(f.stackName));
    expect(forwarded.map(({ bus, ...p }) => p)).toEqual(intake.map(({ bus, ...p }) => p));
    for (const f of s.install.forwarders) {
      const BUS = bus(Token.isUnresolved(f.account) ? HOME : BOT);
      for (const rule of Object.values(resources(t(f.stackName), 'AWS::Events::Rule'))) {
        expect(rule.Targets).toEqual([
          expect.objectContaining({ Arn: BUS, DeadLetterConfig: expect.any(Object) }),
        ]);
      }
      const [policy] = Object.values(resources(t(f.stackName), 'AWS::IAM::Policy'));
      expect(policy!.PolicyDocument.Statement).toEqual([
        { Action: 'events:PutEvents', Effect: 'Allow', Resource: BUS },
      ]);
    }
  });

  it('lets the other account, and only it, put events on the intake bus', () => {
    const policies = Object.values(
      resources(t('RollbackBotEvents'), 'AWS::Events::EventBusPolicy'),
    );
    expect(policies.map((p) => [p.StatementId, p.Statement.Principal, p.Statement.Action])).toEqual(
      [
        [
          `cdk-rollback-bot-forward-from-${PROD}`,
          { AWS: `arn:aws:iam::${PROD}:root` },
          'events:PutEvents',
        ],
      ],
    );
  });
});

describe('IAM across accounts', () => {
  const policiesOf = (name: string) =>
    Object.fromEntries(
      Object.entries(resources(t(name), 'AWS::IAM::ManagedPolicy')).map(([id, p]) => [
        id,
        {
          feature: String(p.Description).replace('rollback-bot: ', ''),
          statements: p.PolicyDocument.Statement.map((st: Cfn) => [
            [st.Action].flat(),
            [st.Resource].flat(),
          ]),
        },
      ]),
    );

  it('lets the bot assume exactly the configured roles, and read its own resources', () => {
    const own = Object.values(policiesOf('RollbackBotEvents'));
    expect(own.find((p) => p.feature === 'another account')!.statements).toEqual([
      [
        ['sts:AssumeRole'],
        [
          `arn:aws:iam::${PROD}:role/rollback-bot`,
          `arn:aws:iam::${PROD}:role/teams/web/rollback-bot-eu`,
        ],
      ],
    ]);
    expect(own.find((p) => p.feature === 'read releases, diff, status')!.statements[0][1]).toEqual([
      `arn:aws:codepipeline:us-east-1:${HOME}:web-app`,
    ]);
    expect(own.find((p) => p.feature === 'CodeDeploy rollback')!.statements[0][1]).toEqual([
      `arn:aws:codedeploy:eu-west-1:${HOME}:deploymentgroup:billing-api/staging-eu`,
    ]);
  });

  it('creates the roles in the other account, trusted by the bot task role only', () => {
    const roles = Object.values(resources(t(`RollbackBotRoles-${PROD}`), 'AWS::IAM::Role'));
    expect(roles.map((r) => [r.RoleName, r.Path, r.AssumeRolePolicyDocument.Statement])).toEqual(
      [
        ['rollback-bot', '/'],
        ['rollback-bot-eu', '/teams/web/'],
      ].map(([name, path]) => [
        name,
        path,
        [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${BOT}:root` },
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${BOT}:role/rollback-bot-task` },
            },
          },
        ],
      ]),
    );
    expect(s.install.roles.map((r) => [r.account, r.stackName])).toEqual([
      [PROD, `RollbackBotRoles-${PROD}`],
    ]);
  });

  it("scopes each role's policies to its own environments, with README actions", () => {
    const table = readmeIamTable();
    const all = Object.values(policiesOf(`RollbackBotRoles-${PROD}`));
    for (const p of all) {
      expect(p.statements.flatMap(([a]: string[][]) => a).sort()).toEqual(
        [...table.get(p.feature)!].sort(),
      );
    }
    const byFeature = (feature: string) =>
      all
        .filter((p) => p.feature === feature)
        .map((p) => p.statements.map(([, r]: string[][]) => r));
    const arn = (svc: string, region: string, rest: string) =>
      `arn:aws:${svc}:${region}:${PROD}:${rest}`;
    expect(byFeature('lock after rollback, freezes, blocking alarms')).toEqual([
      [
        [
          arn('codepipeline', 'us-east-1', 'web-app/Canary'),
          arn('codepipeline', 'us-east-1', 'web-app/Deploy'),
        ],
      ],
      [[arn('codepipeline', 'eu-west-1', 'web-app-eu/Deploy')]],
    ]);
    expect(byFeature('alarms (bake window, blocking, recovery)')).toEqual([
      [
        [
          arn('cloudwatch', 'us-east-1', 'alarm:web-prod-5xx'),
          arn('cloudwatch', 'us-east-1', 'alarm:prod-sev1'),
          arn('cloudwatch', 'eu-west-1', 'alarm:billing-eu-5xx'),
        ],
      ],
      [[arn('cloudwatch', 'eu-west-1', 'alarm:prod-sev1')]],
    ]);
    expect(byFeature('CodeDeploy status')).toEqual([
      [
        [arn('codedeploy', 'eu-west-1', 'deploymentgroup:billing-api/prod-eu')],
        [arn('codedeploy', 'eu-west-1', 'application:billing-api')],
      ],
    ]);
  });

  it('leaves * only where AWS has no resource to name (pulling from ECR)', () => {
    const stars: string[] = [];
    for (const [stack, template] of Object.entries(s.templates)) {
      for (const type of ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy']) {
        for (const p of Object.values(resources(template, type))) {
          for (const st of p.PolicyDocument.Statement) {
            if ([st.Resource].flat().includes('*')) stars.push(`${stack} ${st.Action}`);
          }
        }
      }
    }
    // One execution role per task definition (web, worker).
    expect(stars).toEqual(Array(2).fill('RollbackBotService ecr:GetAuthorizationToken'));
  });
});

describe('the bot on Fargate over HTTP, Redis OSS in cluster mode', () => {
  const svc = () => t('RollbackBotService');
  const env = (role: string) => {
    const def = Object.values(resources(svc(), 'AWS::ECS::TaskDefinition'))
      .map((d) => d.ContainerDefinitions[0])
      .find((c) => c.Environment.some((e: Cfn) => e.Name === 'ROLE' && e.Value === role));
    return {
      vars: Object.fromEntries(def.Environment.map((e: Cfn) => [e.Name, e.Value])),
      secrets: def.Secrets.map((x: Cfn) => x.Name).sort(),
    };
  };

  it('sets cluster mode, the hash-tagged prefix, PUBLIC_URL and the HTTP secrets', () => {
    for (const role of ['web', 'worker']) {
      const e = env(role);
      expect(e.vars).toMatchObject({
        ROLE: role,
        REDIS_MODE: 'cluster',
        REDIS_PREFIX: '{rollback}',
        PUBLIC_URL: 'https://rollback.example.com',
        REDIS_URL: expect.stringMatching(
          /^rediss:\/\/<RedisReplicationGroup\w+\.ConfigurationEndPoint\.Address>:<RedisReplicationGroup\w+\.ConfigurationEndPoint\.Port>$/,
        ),
      });
      expect(e.secrets).toEqual([
        'EVENTS_SHARED_SECRET',
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
      ]);
    }
  });

  it('serves only /slack/events and /aws/events over HTTPS, ready when /readyz says so', () => {
    svc().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/0c1d2e3f' }],
      DefaultActions: [
        Match.objectLike({
          Type: 'fixed-response',
          FixedResponseConfig: Match.objectLike({ StatusCode: '404' }),
        }),
      ],
    });
    svc().hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/slack/events', '/aws/events'] } },
      ],
    });
    svc().hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      HealthCheckPath: '/readyz',
      Matcher: { HttpCode: '200' },
    });
    const services = Object.values(resources(svc(), 'AWS::ECS::Service'));
    expect(services.map((x) => (x.LoadBalancers ?? []).length)).toEqual([1, 0]);
  });

  it('keeps Redis at noeviction with cluster mode on, a replica and failover', () => {
    svc().hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'redis7',
      Properties: { 'maxmemory-policy': 'noeviction', 'cluster-enabled': 'yes' },
    });
    svc().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      NumNodeGroups: 1,
      ReplicasPerNodeGroup: 1,
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
    });
  });
});

describe('the SNS route', () => {
  it('subscribes /aws/events and sends the home pipelines there', () => {
    const events = t('RollbackBotEvents');
    events.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'rollback-bot-events' });
    const [sub] = Object.values(resources(events, 'AWS::SNS::Subscription'));
    expect(sub).toMatchObject({
      Protocol: 'https',
      Endpoint: '<BotUrl>/aws/events',
      RawMessageDelivery: false,
    });
    const rules = Object.values(resources(events, 'AWS::CodeStarNotifications::NotificationRule'));
    expect(rules.map((r) => [r.Resource, r.DetailType, r.EventTypeIds.length])).toEqual([
      [`arn:aws:codepipeline:us-east-1:${HOME}:web-app`, 'FULL', 15],
    ]);
    expect(rules[0]!.EventTypeIds).toContain('codepipeline-pipeline-stage-execution-failed');
    expect(s.install.events.node.findAll().flatMap((c) => c.node.metadata)).not.toContainEqual(
      expect.objectContaining({ type: 'aws:cdk:warning' }),
    );
  });
});

describe('refusals before any synth', () => {
  it('asks for the bot account when the config names other accounts', async () => {
    const loaded = await readInstallConfig(`${REPO}/${CONFIG}`);
    expect(() => buildInstall(new App(), { config: loaded.config, region: 'us-east-1' })).toThrow(
      /give the bot's own account id/,
    );
  });

  it('refuses a cluster-mode prefix without a hash tag', async () => {
    const loaded = await readInstallConfig(`${REPO}/rollback.config.example.yml`);
    const service = {
      image: IMAGE,
      configYaml: loaded.text,
      slack: 'socket' as const,
      redis: { mode: 'cluster' as const },
      redisPrefix: 'rollback',
    };
    expect(() =>
      buildInstall(new App(), {
        config: loaded.config,
        region: 'us-east-1',
        secretArn: SECRET,
        service,
      }),
    ).toThrow(/needs a \{hash tag\}/);
  });
});

it('renders intrinsic functions readably', () => {
  expect(
    render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'A' }]] }),
  ).toBe('arn:aws:x:<A>');
});
