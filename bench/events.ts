// EventBridge events for the fleet, shaped as AWS sends them (see /work/shared/fixtures/aws-events).
import { randomUUID } from 'node:crypto';
import type { AwsEvent } from '../src/sandbox/aws/events/aws-event.js';
import { ACCOUNT, type Fleet, type Pipeline, REGION, STAGE } from './fleet.js';

/** An EventBridge event as AWS sends it: the sandbox emitter's shape. */
export type AwsEventJson = AwsEvent;

type Execution = Pipeline['executions'][number];

function envelope(p: Pipeline, detailType: string, detail: Record<string, unknown>): AwsEventJson {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.codepipeline',
    account: ACCOUNT,
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:codepipeline:${REGION}:${ACCOUNT}:${p.name}`],
    detail,
  };
}

function base(p: Pipeline, e: Execution, state: string) {
  return {
    pipeline: p.name,
    'execution-id': e.id,
    'start-time': e.start,
    'execution-trigger': {
      'trigger-type': 'Webhook',
      'trigger-detail': 'arn:aws:codestar-connections:bench',
      'commit-id': e.sha,
      'branch-name': 'main',
      'full-repository-name': `acme/${p.name}`,
    },
    state,
    version: 1,
    'pipeline-execution-attempt': 1,
  };
}

export function pipelineEvent(p: Pipeline, e: Execution, state: string): AwsEventJson {
  return envelope(p, 'CodePipeline Pipeline Execution State Change', base(p, e, state));
}

export function stageEvent(p: Pipeline, e: Execution, stage: string, state: string): AwsEventJson {
  return envelope(p, 'CodePipeline Stage Execution State Change', {
    ...base(p, e, state),
    stage,
  });
}

export function actionEvent(
  p: Pipeline,
  e: Execution,
  stage: string,
  action: string,
  state: string,
): AwsEventJson {
  return envelope(p, 'CodePipeline Action Execution State Change', {
    ...base(p, e, state),
    stage,
    action,
    'action-execution-id': randomUUID(),
    type: { owner: 'AWS', provider: 'CodeDeploy', category: 'Deploy', version: '1' },
  });
}

/** The failure an automatic rollback reacts to: the latest release failed in Deploy. */
export function deployFailed(p: Pipeline): AwsEventJson {
  return stageEvent(p, p.executions[2]!, STAGE, 'FAILED');
}

/**
 * The storm: `total` events over every pipeline, interleaved, each pipeline's in the order AWS
 * emits them (the last good release's run, then the failing one), padded with action events,
 * and `duplicateShare` of them sent again with the same id.
 */
export function stormEvents(fleet: Fleet, total: number, duplicateShare: number): AwsEventJson[] {
  const unique = Math.round(total / (1 + duplicateShare));
  const perPipeline = Math.max(1, Math.floor(unique / fleet.pipelines.length));
  const streams = fleet.pipelines.map((p) => {
    const good = p.executions[1]!;
    const bad = p.executions[2]!;
    const story: AwsEventJson[] = [];
    for (const e of [good, bad]) {
      story.push(pipelineEvent(p, e, 'STARTED'));
      for (const stage of ['Source', 'Build', STAGE]) {
        story.push(stageEvent(p, e, stage, 'STARTED'));
        const failed = e === bad && stage === STAGE;
        story.push(actionEvent(p, e, stage, `${stage}Action`, failed ? 'FAILED' : 'SUCCEEDED'));
        story.push(stageEvent(p, e, stage, failed ? 'FAILED' : 'SUCCEEDED'));
      }
      story.push(pipelineEvent(p, e, e === bad ? 'FAILED' : 'SUCCEEDED'));
    }
    // Padding: more action progress of the failing release, before its end.
    while (story.length < perPipeline) {
      story.splice(story.length - 3, 0, actionEvent(p, bad, STAGE, 'DeployToFleet', 'STARTED'));
    }
    return story.slice(0, Math.max(perPipeline, 1));
  });
  const out: AwsEventJson[] = [];
  for (let i = 0; streams.some((s) => i < s.length); i++) {
    for (const s of streams) if (i < s.length) out.push(s[i]!);
  }
  // Duplicates: the same event again (same id) a little later, as AWS retries do.
  const withDuplicates: AwsEventJson[] = [];
  const every = duplicateShare > 0 ? Math.max(1, Math.round(1 / duplicateShare)) : 0;
  out.forEach((ev, i) => {
    withDuplicates.push(ev);
    if (every && i % every === every - 1) withDuplicates.push(out[Math.max(0, i - 7)]!);
  });
  return withDuplicates.slice(0, total);
}
