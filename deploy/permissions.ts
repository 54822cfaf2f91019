// The IAM policy of each feature (README, "AWS permissions"), scoped to the resources the config
// names: one policy per feature, each statement naming its ARNs. Pure: ARNs are strings, and the
// CDK tokens for an unknown account or partition pass through them.
import type { Site, SiteResources } from './install-plan.js';

export interface StatementSpec {
  actions: string[];
  resources: string[];
}

export interface FeaturePolicy {
  /** A construct id: ReadReleases, RollBackStage, … */
  id: string;
  /** The README table's feature, word for word. */
  feature: string;
  statements: StatementSpec[];
}

/** The account id, or a token for it, that ARNs in `site` carry. */
export type AccountOf = (site: Site) => string;

/** The README table's rows: feature → the actions it grants. */
export const FEATURES = {
  ReadReleases: {
    feature: 'read releases, diff, status',
    actions: [
      'codepipeline:GetPipeline',
      'codepipeline:GetPipelineState',
      'codepipeline:GetPipelineExecution',
      'codepipeline:ListPipelineExecutions',
      'codepipeline:ListActionExecutions',
    ],
  },
  RollBackStage: { feature: 'roll back a stage', actions: ['codepipeline:RollbackStage'] },
  LockStages: {
    feature: 'lock after rollback, freezes, blocking alarms',
    actions: ['codepipeline:DisableStageTransition', 'codepipeline:EnableStageTransition'],
  },
  StopExecution: {
    feature: 'stop a running execution',
    actions: ['codepipeline:StopPipelineExecution'],
  },
  CodeDeployStatus: {
    feature: 'CodeDeploy status',
    actions: [
      'codedeploy:GetDeploymentGroup',
      'codedeploy:GetDeployment',
      'codedeploy:BatchGetDeployments',
      'codedeploy:ListDeployments',
      'codedeploy:GetApplicationRevision',
    ],
  },
  CodeDeployRollback: {
    feature: 'CodeDeploy rollback',
    actions: [
      'codedeploy:CreateDeployment',
      'codedeploy:StopDeployment',
      'codedeploy:GetDeploymentConfig',
    ],
  },
  Alarms: {
    feature: 'alarms (bake window, blocking, recovery)',
    actions: ['cloudwatch:DescribeAlarms'],
  },
  AssumeRoles: { feature: 'another account', actions: ['sts:AssumeRole'] },
} as const;

export type FeatureId = keyof typeof FEATURES;

const pick = (id: FeatureId, ...names: string[]) =>
  FEATURES[id].actions.filter((a) => names.length === 0 || names.includes(a.split(':')[1]!));

interface Arns {
  pipelines: string[];
  stages: string[];
  groups: string[];
  applications: string[];
  deploymentConfigs: string[];
  alarms: string[];
}

function arnsOf(resources: SiteResources[], accountOf: AccountOf, partition: string): Arns {
  const out: Arns = {
    pipelines: [],
    stages: [],
    groups: [],
    applications: [],
    deploymentConfigs: [],
    alarms: [],
  };
  for (const r of resources) {
    const at = `${r.site.region}:${accountOf(r.site)}`;
    const arn = (service: string, rest: string) => `arn:${partition}:${service}:${at}:${rest}`;
    for (const p of r.pipelines) {
      out.pipelines.push(arn('codepipeline', p.pipeline));
      for (const s of p.stages) out.stages.push(arn('codepipeline', `${p.pipeline}/${s}`));
    }
    for (const g of r.deploymentGroups) {
      out.groups.push(arn('codedeploy', `deploymentgroup:${g.application}/${g.deploymentGroup}`));
      const app = arn('codedeploy', `application:${g.application}`);
      if (!out.applications.includes(app)) out.applications.push(app);
    }
    // The group's deployment configuration is not in the config: any in this region and account.
    if (r.deploymentGroups.length > 0)
      out.deploymentConfigs.push(arn('codedeploy', 'deploymentconfig:*'));
    for (const a of r.alarms) out.alarms.push(arn('cloudwatch', `alarm:${a}`));
  }
  return out;
}

/**
 * One policy per feature the resources need, in the README table's order. Transitions are
 * authorised on the stage (arn:…:<pipeline>/<stage>), so the lock policy names exactly the
 * guarded stages; everything else of CodePipeline on the pipeline.
 */
export function featurePolicies(
  resources: SiteResources[],
  accountOf: AccountOf,
  partition: string,
  assumeRoles: string[] = [],
): FeaturePolicy[] {
  const a = arnsOf(resources, accountOf, partition);
  const policy = (id: FeatureId, statements: StatementSpec[]): FeaturePolicy => ({
    id,
    feature: FEATURES[id].feature,
    statements,
  });
  const out: FeaturePolicy[] = [];
  if (a.pipelines.length > 0) {
    out.push(
      policy('ReadReleases', [{ actions: pick('ReadReleases'), resources: a.pipelines }]),
      policy('RollBackStage', [{ actions: pick('RollBackStage'), resources: a.pipelines }]),
      policy('LockStages', [{ actions: pick('LockStages'), resources: a.stages }]),
      policy('StopExecution', [{ actions: pick('StopExecution'), resources: a.pipelines }]),
    );
  }
  if (a.groups.length > 0) {
    out.push(
      policy('CodeDeployStatus', [
        {
          actions: pick(
            'CodeDeployStatus',
            'GetDeploymentGroup',
            'GetDeployment',
            'BatchGetDeployments',
            'ListDeployments',
          ),
          resources: a.groups,
        },
        {
          actions: pick('CodeDeployStatus', 'GetApplicationRevision'),
          resources: a.applications,
        },
      ]),
      policy('CodeDeployRollback', [
        {
          actions: pick('CodeDeployRollback', 'CreateDeployment', 'StopDeployment'),
          resources: a.groups,
        },
        {
          actions: pick('CodeDeployRollback', 'GetDeploymentConfig'),
          resources: a.deploymentConfigs,
        },
      ]),
    );
  }
  if (a.alarms.length > 0) {
    out.push(policy('Alarms', [{ actions: pick('Alarms'), resources: a.alarms }]));
  }
  if (assumeRoles.length > 0) {
    out.push(policy('AssumeRoles', [{ actions: pick('AssumeRoles'), resources: assumeRoles }]));
  }
  return out;
}
