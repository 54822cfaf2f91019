// CodeDeploy state: applications, deployment groups and deployments that run in simulated
// time, one active deployment per group, and rollbacks (on failure, on alarm, on stop).
import { randomUUID } from 'node:crypto';
import type { RevisionLocation } from '@aws-sdk/client-codedeploy';
import type { Alarm } from '../cloudwatch/model.js';
import type { ModelContext } from '../context.js';
import { AwsError } from '../errors.js';
import { fakeDeploymentId } from '../pipelines/model.js';
import type {
  ApplicationSpec,
  DeploymentSpec,
  DeployRevisionSpec,
  GroupSpec,
} from '../world/schema.js';

export type DeploymentStatus =
  | 'Created'
  | 'Queued'
  | 'InProgress'
  | 'Baking'
  | 'Succeeded'
  | 'Failed'
  | 'Stopped'
  | 'Ready';

const ACTIVE = new Set<DeploymentStatus>(['Created', 'Queued', 'InProgress', 'Baking', 'Ready']);

export interface DeploymentOutcome {
  /** The deployment fails when it finishes (default: it succeeds). */
  fail?: boolean;
}

export interface Deployment {
  id: string;
  region: string;
  application: string;
  group: string;
  status: DeploymentStatus;
  creator: string;
  description?: string;
  revision: RevisionLocation;
  previousRevision?: RevisionLocation;
  fileExistsBehavior: string;
  deploymentConfigName: string;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  autoRollbackConfiguration?: { enabled: boolean; events: string[] };
  outcome?: DeploymentOutcome;
  instanceGroupId: string;
}

export interface DeploymentGroup {
  spec: GroupSpec;
  id: string;
  name: string;
  application: string;
  region: string;
  deployments: Deployment[];
}

export interface Application {
  spec: ApplicationSpec;
  id: string;
  name: string;
  region: string;
  createTime: number;
  groups: Map<string, DeploymentGroup>;
}

export interface CreateDeploymentOptions {
  revision: RevisionLocation;
  description?: string;
  creator?: string;
  fileExistsBehavior?: string;
  deploymentConfigName?: string;
  autoRollbackConfiguration?: { enabled: boolean; events: string[] };
  outcome?: DeploymentOutcome;
}

export class CodeDeployModel {
  private apps = new Map<string, Application>();
  private byId = new Map<string, Deployment>();

  constructor(private readonly ctx: ModelContext) {}

  load(specs: ApplicationSpec[]): void {
    this.apps.clear();
    this.byId.clear();
    for (const spec of specs) {
      const app: Application = {
        spec,
        id: randomUUID(),
        name: spec.name,
        region: spec.region,
        createTime: this.ctx.clock.now(),
        groups: new Map(),
      };
      for (const g of spec.groups) {
        const group: DeploymentGroup = {
          spec: g,
          id: randomUUID(),
          name: g.name,
          application: spec.name,
          region: spec.region,
          deployments: [],
        };
        const history = [...g.deployments].sort((a, b) => a.createTime - b.createTime);
        for (const d of history) {
          const seeded = this.seed(group, d);
          group.deployments.push(seeded);
          this.byId.set(seeded.id, seeded);
          app.createTime = Math.min(app.createTime, seeded.createTime);
        }
        app.groups.set(g.name, group);
      }
      this.apps.set(`${spec.region}/${spec.name}`, app);
    }
  }

  applications(region: string): Application[] {
    return [...this.apps.values()].filter((a) => a.region === region);
  }

  app(region: string, name: string | undefined): Application {
    if (!name)
      throw new AwsError(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      );
    const a = this.apps.get(`${region}/${name}`);
    if (!a)
      throw new AwsError(
        'ApplicationDoesNotExistException',
        `No application found for name: ${name}`,
      );
    return a;
  }

  group(
    region: string,
    appName: string | undefined,
    groupName: string | undefined,
  ): DeploymentGroup {
    const a = this.app(region, appName);
    if (!groupName) {
      throw new AwsError(
        'DeploymentGroupNameRequiredException',
        'The deployment group name was not specified.',
      );
    }
    const g = a.groups.get(groupName);
    if (!g) {
      throw new AwsError(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${groupName}`,
      );
    }
    return g;
  }

  deployment(region: string, id: string | undefined): Deployment {
    if (!id)
      throw new AwsError(
        'DeploymentIdRequiredException',
        'At least one deployment ID must be specified.',
      );
    if (!/^d-[A-Z0-9]{9}$/.test(id))
      throw new AwsError('InvalidDeploymentIdException', `Invalid deployment id: ${id}`);
    const d = this.byId.get(id);
    if (!d || d.region !== region)
      throw new AwsError('DeploymentDoesNotExistException', `Deployment ${id} does not exist`);
    return d;
  }

  tryDeployment(region: string, id: string): Deployment | undefined {
    const d = this.byId.get(id);
    return d && d.region === region ? d : undefined;
  }

  busy(): boolean {
    for (const d of this.byId.values()) if (ACTIVE.has(d.status)) return true;
    return false;
  }

  lastSuccessful(g: DeploymentGroup, before?: Deployment): Deployment | undefined {
    return [...g.deployments]
      .filter((d) => d !== before && d.status === 'Succeeded')
      .sort((a, b) => (b.completeTime ?? b.createTime) - (a.completeTime ?? a.createTime))[0];
  }

  lastAttempted(g: DeploymentGroup): Deployment | undefined {
    return [...g.deployments].sort((a, b) => b.createTime - a.createTime)[0];
  }

  create(
    region: string,
    appName: string,
    groupName: string,
    opts: CreateDeploymentOptions,
  ): Deployment {
    const g = this.group(region, appName, groupName);
    const active = g.deployments.find((d) => ACTIVE.has(d.status));
    if (active) {
      throw new AwsError(
        'DeploymentLimitExceededException',
        `The deployment group ${appName}/${groupName} already has an active Deployment: ${active.id}`,
      );
    }
    const now = this.ctx.clock.now();
    const previous = this.lastSuccessful(g);
    const d: Deployment = {
      id: fakeDeploymentId(),
      region,
      application: appName,
      group: groupName,
      status: 'InProgress',
      creator: opts.creator ?? 'user',
      revision: opts.revision,
      fileExistsBehavior: opts.fileExistsBehavior ?? 'DISALLOW',
      deploymentConfigName: opts.deploymentConfigName ?? g.spec.deploymentConfigName,
      createTime: now,
      startTime: now,
      instanceGroupId: randomUUID(),
    };
    if (previous) d.previousRevision = previous.revision;
    if (opts.description !== undefined) d.description = opts.description;
    if (opts.autoRollbackConfiguration)
      d.autoRollbackConfiguration = opts.autoRollbackConfiguration;
    if (opts.outcome) d.outcome = opts.outcome;
    g.deployments.push(d);
    this.byId.set(d.id, d);
    this.emit(d, 'START');
    const duration = this.ctx.durationMs(g.spec.deploymentDuration);
    this.ctx.clock.schedule(duration, () => {
      if (d.status !== 'InProgress') return;
      if (d.outcome?.fail) {
        this.finish(d, 'Failed', {
          code: 'HEALTH_CONSTRAINTS',
          message:
            'The overall deployment failed because too many individual instances failed deployment.',
        });
        this.maybeRollback(g, d, 'DEPLOYMENT_FAILURE', `Deployment ${d.id} failed`);
      } else {
        this.finish(d, 'Succeeded');
      }
    });
    return d;
  }

  /** StopDeployment. Returns the status the API reports. */
  stop(
    region: string,
    id: string | undefined,
    autoRollbackEnabled: boolean | undefined,
  ): 'Pending' | 'Succeeded' {
    const d = this.deployment(region, id);
    if (!ACTIVE.has(d.status)) {
      throw new AwsError(
        'DeploymentAlreadyCompletedException',
        `Deployment ${d.id} has already completed`,
      );
    }
    const g = this.group(region, d.application, d.group);
    this.finish(d, 'Stopped', {
      code: 'DEPLOYMENT_STOPPED',
      message: 'The deployment was stopped by the user',
    });
    const rollback =
      autoRollbackEnabled ??
      this.rollbackConfig(g, d).events.includes('DEPLOYMENT_STOP_ON_REQUEST');
    if (rollback && this.rollback(g, d, `Deployment ${d.id} was stopped by request`))
      return 'Pending';
    return 'Succeeded';
  }

  /** Alarm listener: a group watching this alarm stops its active deployment. */
  onAlarm(alarm: Alarm): void {
    if (alarm.state.value !== 'ALARM') return;
    for (const app of this.applications(alarm.region)) {
      for (const g of app.groups.values()) {
        const cfg = g.spec.alarmConfiguration;
        if (!cfg.enabled || !cfg.alarms.includes(alarm.name)) continue;
        const active = g.deployments.find((d) => ACTIVE.has(d.status));
        if (!active) continue;
        this.finish(active, 'Stopped', {
          code: 'ALARM_ACTIVE',
          message: `One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <${alarm.name}>`,
        });
        this.maybeRollback(
          g,
          active,
          'DEPLOYMENT_STOP_ON_ALARM',
          `Alarm ${alarm.name} went into ALARM`,
        );
      }
    }
  }

  private rollbackConfig(
    g: DeploymentGroup,
    d: Deployment,
  ): { enabled: boolean; events: string[] } {
    const cfg = d.autoRollbackConfiguration ?? g.spec.autoRollbackConfiguration;
    return cfg.enabled ? cfg : { enabled: false, events: [] };
  }

  private maybeRollback(g: DeploymentGroup, d: Deployment, event: string, why: string): void {
    if (d.creator === 'codeDeployRollback') return;
    if (!this.rollbackConfig(g, d).events.includes(event)) return;
    this.rollback(g, d, why);
  }

  /** Redeploys the last successful revision as a codeDeployRollback deployment. */
  private rollback(g: DeploymentGroup, failed: Deployment, why: string): Deployment | undefined {
    const target = this.lastSuccessful(g, failed);
    if (!target) {
      failed.rollbackInfo = {
        rollbackMessage: 'Automatic rollback failed: no last successful deployment to roll back to',
      };
      return undefined;
    }
    const r = this.create(failed.region, g.application, g.name, {
      revision: target.revision,
      creator: 'codeDeployRollback',
      description: `Rollback of ${failed.id}`,
      fileExistsBehavior: failed.fileExistsBehavior,
    });
    r.rollbackInfo = {
      rollbackTriggeringDeploymentId: failed.id,
      rollbackMessage: `Automatic rollback triggered by ${failed.id}: ${why}`,
    };
    failed.rollbackInfo = {
      rollbackDeploymentId: r.id,
      rollbackMessage: `${why}; rolled back by ${r.id}`,
    };
    return r;
  }

  private finish(
    d: Deployment,
    status: 'Succeeded' | 'Failed' | 'Stopped',
    error?: { code: string; message: string },
  ): void {
    d.status = status;
    d.completeTime = this.ctx.clock.now();
    if (error) d.errorInformation = error;
    this.emit(d, status === 'Succeeded' ? 'SUCCESS' : status === 'Failed' ? 'FAILURE' : 'STOP');
  }

  private seed(g: DeploymentGroup, d: DeploymentSpec): Deployment {
    const out: Deployment = {
      id: d.id,
      region: g.region,
      application: g.application,
      group: g.name,
      status: d.status,
      creator: d.creator,
      revision: revisionLocation(d.revision),
      fileExistsBehavior: d.fileExistsBehavior,
      deploymentConfigName: g.spec.deploymentConfigName,
      createTime: d.createTime,
      startTime: d.createTime,
      completeTime: d.completeTime ?? d.createTime + 5 * 60_000,
      instanceGroupId: randomUUID(),
    };
    if (d.description) out.description = d.description;
    if (d.status === 'Failed') {
      out.errorInformation = {
        code: 'HEALTH_CONSTRAINTS',
        message:
          'The overall deployment failed because too many individual instances failed deployment.',
      };
    }
    return out;
  }

  private emit(d: Deployment, state: string): void {
    const account = this.ctx.account();
    this.ctx.emitter.emit({
      'detail-type': 'CodeDeploy Deployment State-change Notification',
      source: 'aws.codedeploy',
      time: this.ctx.clock.date(),
      region: d.region,
      resources: [
        `arn:aws:codedeploy:${d.region}:${account}:application:${d.application}`,
        `arn:aws:codedeploy:${d.region}:${account}:deploymentgroup:${d.application}/${d.group}`,
      ],
      detail: {
        instanceGroupId: d.instanceGroupId,
        region: d.region,
        application: d.application,
        deploymentId: d.id,
        state,
        deploymentGroup: d.group,
      },
    });
  }
}

export function revisionLocation(r: DeployRevisionSpec): RevisionLocation {
  if ('s3' in r) {
    return {
      revisionType: 'S3',
      s3Location: {
        bucket: r.s3.bucket,
        key: r.s3.key,
        bundleType: r.s3.bundleType,
        ...(r.s3.version ? { version: r.s3.version } : {}),
        ...(r.s3.eTag ? { eTag: r.s3.eTag } : {}),
      },
    };
  }
  return {
    revisionType: 'GitHub',
    gitHubLocation: { repository: r.github.repository, commitId: r.github.commitId },
  };
}
