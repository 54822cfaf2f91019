// The EventBridge event patterns for one site: exactly the pipelines (and their guarded stages),
// deployment groups and alarms the config names, nothing else. Pure: the same patterns serve the
// rules that call the bot and the rules that forward another site's events to it.
import { DETAIL_TYPES } from '../src/events/detail-types.js';
import type { SiteResources } from './install-plan.js';

/** An event pattern in aws-cdk-lib's shape (`detailType` is rendered as `detail-type`). */
export interface SitePattern {
  /** Stable and unique within a site: the construct id of its rule. */
  id: string;
  description: string;
  pattern: {
    source: string[];
    detailType: string[];
    account: string[];
    region: string[];
    detail: Record<string, string[]>;
  };
}

/**
 * The patterns for `resources`, whose events carry `account` (the site's account id, or a token
 * for the bot's own account):
 * - per pipeline, its pipeline-level events (they name no stage), and its stage- and action-level
 *   events of the guarded stages only;
 * - per CodeDeploy deployment group, its deployment events;
 * - one rule for the site's alarms, by name.
 */
export function sitePatterns(resources: SiteResources, account: string): SitePattern[] {
  const { region } = resources.site;
  const where = { account: [account], region: [region] };
  const out: SitePattern[] = [];
  for (const p of resources.pipelines) {
    out.push({
      id: `Pipeline-${p.pipeline}`,
      description: `rollback-bot: pipeline-level events of CodePipeline ${p.pipeline} in ${region}`,
      pattern: {
        source: ['aws.codepipeline'],
        detailType: [DETAIL_TYPES.pipeline],
        ...where,
        detail: { pipeline: [p.pipeline] },
      },
    });
    out.push({
      id: `Stages-${p.pipeline}`,
      description: `rollback-bot: stage and action events of ${p.pipeline} (${p.stages.join(', ')}) in ${region}`,
      pattern: {
        source: ['aws.codepipeline'],
        detailType: [DETAIL_TYPES.stage, DETAIL_TYPES.action],
        ...where,
        detail: { pipeline: [p.pipeline], stage: [...p.stages] },
      },
    });
  }
  for (const g of resources.deploymentGroups) {
    out.push({
      id: `Deployments-${g.application}-${g.deploymentGroup}`,
      description: `rollback-bot: deployments of CodeDeploy ${g.application}/${g.deploymentGroup} in ${region}`,
      pattern: {
        source: ['aws.codedeploy'],
        detailType: [DETAIL_TYPES.deployment],
        ...where,
        detail: { application: [g.application], deploymentGroup: [g.deploymentGroup] },
      },
    });
  }
  if (resources.alarms.length > 0) {
    out.push({
      id: 'Alarms',
      description: `rollback-bot: state changes of ${resources.alarms.length} CloudWatch alarms in ${region}`,
      pattern: {
        source: ['aws.cloudwatch'],
        detailType: [DETAIL_TYPES.alarm],
        ...where,
        detail: { alarmName: [...resources.alarms] },
      },
    });
  }
  return out;
}
