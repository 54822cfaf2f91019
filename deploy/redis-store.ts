// ElastiCache for the bot's queues and state: Valkey (default) or Redis OSS, one node or cluster
// mode, TLS in transit, encrypted at rest, and `maxmemory-policy noeviction` in its own parameter
// group (the default groups use volatile-lru, which the bot refuses at start-up). Reachable only
// from the bot's security group. The bot's REDIS_URL and REDIS_MODE come from here.
import { CfnDeletionPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';

export interface RedisStoreOptions {
  /** single (default): one node, no replica. cluster: cluster mode, one shard with a replica. */
  mode?: 'single' | 'cluster';
  /** valkey (default) or redis (Redis OSS). */
  engine?: 'valkey' | 'redis';
  /** Default cache.t4g.micro. */
  nodeType?: string;
}

export interface RedisStoreProps extends RedisStoreOptions {
  vpc: ec2.IVpc;
  /** Who may connect (the bot's tasks). */
  clients: ec2.ISecurityGroup;
}

/** Engine versions and their parameter group families. */
const ENGINES = {
  valkey: { version: '8.0', family: 'valkey8' },
  redis: { version: '7.1', family: 'redis7' },
} as const;

export const REDIS_PORT = 6379;

export class RedisStore extends Construct {
  readonly mode: 'single' | 'cluster';
  /** rediss://host:port: the configuration endpoint in cluster mode, else the primary. */
  readonly url: string;
  readonly parameterGroup: elasticache.CfnParameterGroup;

  constructor(scope: Construct, id: string, props: RedisStoreProps) {
    super(scope, id);
    this.mode = props.mode ?? 'single';
    const engine = props.engine ?? 'valkey';
    const cluster = this.mode === 'cluster';
    this.parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: ENGINES[engine].family,
      description: 'rollback-bot: BullMQ needs noeviction',
      properties: {
        'maxmemory-policy': 'noeviction',
        ...(cluster ? { 'cluster-enabled': 'yes' } : {}),
      },
    });
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'rollback-bot Redis',
      subnetIds: props.vpc.isolatedSubnets.map((s) => s.subnetId),
    });
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'rollback-bot Redis: the bot only',
      allowAllOutbound: false,
    });
    sg.addIngressRule(props.clients, ec2.Port.tcp(REDIS_PORT), 'the bot');
    const group = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `rollback-bot (${this.mode})`,
      engine,
      engineVersion: ENGINES[engine].version,
      cacheNodeType: props.nodeType ?? 'cache.t4g.micro',
      cacheParameterGroupName: this.parameterGroup.ref,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [sg.securityGroupId],
      port: REDIS_PORT,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      ...(cluster
        ? {
            numNodeGroups: 1,
            replicasPerNodeGroup: 1,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
          }
        : { numCacheClusters: 1, automaticFailoverEnabled: false }),
    });
    // The audit stream and requests live here: removing the stack leaves a final snapshot.
    group.cfnOptions.deletionPolicy = CfnDeletionPolicy.SNAPSHOT;
    group.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.SNAPSHOT;
    this.url = cluster
      ? `rediss://${group.attrConfigurationEndPointAddress}:${group.attrConfigurationEndPointPort}`
      : `rediss://${group.attrPrimaryEndPointAddress}:${group.attrPrimaryEndPointPort}`;
  }
}
