// A release waiting at a held stage is said once in the environment's channel, with what holds
// it (and Unlock when a post-rollback lock is among the causes). GetPipelineState, already read by
// the pass, names it (inboundExecution). Its message is brought up to date once the release goes
// on or another takes its place, so it never offers Unlock for nothing.

import { type AwsClients, accountOf } from '../../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../../aws/codepipeline-adapter.js';
import type { EnvironmentConfig } from '../../config/config.js';
import { type SourceRevision, shortRevision } from '../../domain/releases.js';
import type { Logger } from '../../log.js';
import type { WaitingReleaseStore } from '../../store/waiting-release-store.js';
import type { LockAnnouncer, StageLockView } from './lock-announcer.js';

interface Deps {
  aws: AwsClients;
  waiting: WaitingReleaseStore;
  announcer: LockAnnouncer;
  log: Logger;
}

export async function announceWaitingReleases(
  deps: Deps,
  env: EnvironmentConfig,
  stages: readonly StageLockView[],
  at: number,
): Promise<void> {
  if (env.target.kind !== 'stage') return;
  const pipeline = env.target.pipeline;
  const account = accountOf(env);
  for (const s of stages) {
    const place = { region: env.region, pipeline, stage: s.stage };
    const held = s.causes.length > 0;
    for (const n of await deps.waiting.open(place)) {
      if (held && n.executionId === s.waitingExecutionId) continue;
      await deps.announcer
        .settled(n, held ? 'replaced' : 'proceeded')
        .catch((err: unknown) =>
          deps.log.warn(
            { env: env.name, stage: s.stage, err: { message: (err as Error).message } },
            'guardrails: could not update a waiting release message',
          ),
        );
      await deps.waiting.settle(n);
    }
    if (!held || !s.waitingExecutionId) continue;
    const notice = await deps.waiting.claim({
      env: env.name,
      region: env.region,
      pipeline,
      stage: s.stage,
      executionId: s.waitingExecutionId,
      at,
    });
    if (!notice) continue;
    let sourceRevisions: SourceRevision[] = [];
    try {
      const cp = createCodePipelineAdapter(deps.aws, account);
      sourceRevisions = (await cp.getExecution(pipeline, s.waitingExecutionId)).sourceRevisions;
    } catch (err) {
      // Said without the commit rather than not at all.
      deps.log.warn(
        {
          env: env.name,
          executionId: s.waitingExecutionId,
          err: { message: (err as Error).message },
        },
        'guardrails: could not read the waiting release',
      );
    }
    try {
      const { ts } = await deps.announcer.waiting(env, { notice, sourceRevisions, stage: s });
      const revision = sourceRevisions[0]
        ? shortRevision(sourceRevisions[0].revisionId)
        : undefined;
      await deps.waiting.posted(notice, {
        channel: env.channel,
        ...(ts ? { ts } : {}),
        ...(revision ? { revision } : {}),
      });
    } catch (err) {
      await deps.waiting.forget(notice);
      throw err;
    }
  }
}
