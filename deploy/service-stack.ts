// Optional: the bot on ECS Fargate. Two services from the one image, ROLE=web and ROLE=worker
// (src/config/env.ts reads every variable set here), ElastiCache beside them (redis-store.ts),
// the Slack tokens and the events secret from Secrets Manager, the bot's feature policies on its
// task role. HTTP mode puts the web service behind an HTTPS load balancer that forwards only
// /slack/events and /aws/events (never /metrics) and checks /readyz; Socket Mode has none.
import {
  Annotations,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DEFAULT_PREFIX, hasHashTag } from '../src/config/env.js';
import { RedisStore, type RedisStoreOptions } from './redis-store.js';

export const BOT_PORT = 3000;
/** Where the container writes the config it is given (ROLLBACK_CONFIG_YAML) before starting. */
export const CONFIG_PATH = '/tmp/rollback.config.yml';
/** The Dockerfile's HEALTHCHECK, liveness only. */
const LIVENESS = `fetch('http://127.0.0.1:${BOT_PORT}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

export interface ServiceStackProps extends StackProps {
  /** The bot's image: an ECR URI (pull access is granted) or any registry reference. */
  image: string;
  /** The text of rollback.config.yml, handed to the container as ROLLBACK_CONFIG_YAML. */
  configYaml: string;
  /** The full ARN of the secret with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, EVENTS_SHARED_SECRET. */
  secretArn: string;
  /** http: Slack and EventBridge reach the bot through a load balancer; socket: Socket Mode. */
  slack: 'http' | 'socket';
  /** https://host the load balancer answers at (HTTP mode): PUBLIC_URL. */
  publicUrl?: string;
  /** ACM certificate for that host (HTTP mode). */
  certificateArn?: string;
  redis?: RedisStoreOptions;
  /** Default {rollback}; with cluster mode it must hold a {hash tag}. */
  redisPrefix?: string;
  /** The bot's feature policies (the events stack's). */
  policies: iam.IManagedPolicy[];
  /** The task role's name, which environment roles in other accounts may trust. */
  taskRoleName?: string;
  webCount?: number;
  workerCount?: number;
  /** Whether the bot polls AWS (config events.poll.enabled): Socket Mode has no /aws/events. */
  polls: boolean;
}

export class RollbackBotServiceStack extends Stack {
  readonly web: ecs.FargateService;
  readonly worker: ecs.FargateService;
  readonly taskRole: iam.Role;
  readonly loadBalancer?: elbv2.ApplicationLoadBalancer;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { description: 'rollback-bot on ECS Fargate, with ElastiCache', ...props });
    const http = props.slack === 'http';
    const prefix = props.redisPrefix ?? DEFAULT_PREFIX;
    if (props.redis?.mode === 'cluster' && !hasHashTag(prefix)) {
      throw new Error(
        `redisPrefix ${prefix} needs a {hash tag} in cluster mode, e.g. ${DEFAULT_PREFIX}`,
      );
    }
    if (http && (!props.publicUrl || !props.certificateArn)) {
      throw new Error('HTTP mode needs publicUrl (https://host) and certificateArn for it');
    }
    if (!http && !props.polls) {
      Annotations.of(this).addWarningV2(
        'rollback-bot:socketModeWithoutPolling',
        'Socket Mode on Fargate has no load balancer, so EventBridge cannot reach /aws/events: set events.poll.enabled in the config, or front the web service yourself.',
      );
    }
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'redis', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const tasks = new ec2.SecurityGroup(this, 'Tasks', {
      vpc,
      description: 'rollback-bot tasks: nothing inbound but the load balancer (HTTP mode)',
    });
    const redis = new RedisStore(this, 'Redis', { ...props.redis, vpc, clients: tasks });
    this.taskRole = new iam.Role(this, 'TaskRole', {
      ...(props.taskRoleName ? { roleName: props.taskRoleName } : {}),
      description: "rollback-bot: the bot's own AWS identity",
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    for (const p of props.policies) this.taskRole.addManagedPolicy(p);
    const secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'Secret', props.secretArn);
    const slackSecret = http ? 'SLACK_SIGNING_SECRET' : 'SLACK_APP_TOKEN';
    const secrets: Record<string, ecs.Secret> = Object.fromEntries(
      ['SLACK_BOT_TOKEN', slackSecret, ...(http ? ['EVENTS_SHARED_SECRET'] : [])].map((k) => [
        k,
        ecs.Secret.fromSecretsManager(secret, k),
      ]),
    );
    const environment = {
      PORT: String(BOT_PORT),
      REDIS_URL: redis.url,
      REDIS_MODE: redis.mode,
      REDIS_PREFIX: prefix,
      AWS_REGION: this.region,
      ROLLBACK_CONFIG: CONFIG_PATH,
      ROLLBACK_CONFIG_YAML: props.configYaml,
      LOG_LEVEL: 'info',
      ...(props.publicUrl ? { PUBLIC_URL: props.publicUrl } : {}),
    };
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const image = imageOf(this, props.image);
    const service = (role: 'web' | 'worker', count: number) => {
      const task = new ecs.FargateTaskDefinition(this, `${role}-task`, {
        cpu: 256,
        memoryLimitMiB: 512,
        taskRole: this.taskRole,
      });
      task.addContainer('bot', {
        image,
        // The image reads a file; Fargate has no file mounts, so the config comes as a variable.
        command: [
          'sh',
          '-c',
          `printf '%s' "$ROLLBACK_CONFIG_YAML" > ${CONFIG_PATH} && exec node --max-semi-space-size=16 dist/main.js`,
        ],
        environment: { ROLE: role, ...environment },
        secrets,
        portMappings: [{ containerPort: BOT_PORT }],
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: role, logGroup }),
        healthCheck: {
          command: ['CMD', 'node', '-e', LIVENESS],
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          retries: 3,
          startPeriod: Duration.seconds(30),
        },
        // The worker drains its jobs on SIGTERM.
        stopTimeout: Duration.seconds(60),
      });
      return new ecs.FargateService(this, role, {
        cluster,
        taskDefinition: task,
        desiredCount: count,
        assignPublicIp: true,
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
        securityGroups: [tasks],
        circuitBreaker: { rollback: true },
        minHealthyPercent: 100,
      });
    };
    this.web = service('web', props.webCount ?? 1);
    this.worker = service('worker', props.workerCount ?? 1);
    if (http) this.loadBalancer = this.addLoadBalancer(vpc, props.certificateArn!);
  }

  /** Registering the web service opens the tasks' port to the load balancer, and nothing else. */
  private addLoadBalancer(vpc: ec2.IVpc, certificateArn: string) {
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
    });
    const listener = alb.addListener('Https', {
      port: 443,
      certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain' }),
    });
    listener.addTargets('Bot', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/slack/events', '/aws/events'])],
      port: BOT_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.web],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: '/readyz', healthyHttpCodes: '200', interval: Duration.seconds(15) },
    });
    new CfnOutput(this, 'LoadBalancerDns', {
      description: 'Point the DNS name of PUBLIC_URL here (CNAME or alias)',
      value: alb.loadBalancerDnsName,
    });
    return alb;
  }
}

const ECR = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?$/;

/** An ECR image with pull access for the task, or any other registry's image as is. */
function imageOf(scope: Construct, ref: string): ecs.ContainerImage {
  const m = ECR.exec(ref);
  if (!m) return ecs.ContainerImage.fromRegistry(ref);
  const repo = ecr.Repository.fromRepositoryAttributes(scope, 'Repository', {
    repositoryArn: `arn:${Stack.of(scope).partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`,
    repositoryName: m[3]!,
  });
  return ecs.ContainerImage.fromEcrRepository(repo, m[4] ?? 'latest');
}
