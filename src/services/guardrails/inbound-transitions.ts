// The inbound transition of each stage as GetPipelineState reports it, including who changed it
// last, read through the CodePipeline adapter (aws/codepipeline-adapter.ts getPipelineState).
import type { Account, AwsClients } from '../../aws/aws-clients.js';
import { createCodePipelineAdapter } from '../../aws/codepipeline-adapter.js';
import type { ActualTransition } from '../../domain/stage-locks/index.js';

export interface StageTransition extends ActualTransition {
  stage: string;
  latestExecutionId?: string;
  /**
   * The release waiting at the inbound transition (inboundExecution, else the last of
   * inboundExecutions: the one AWS lets in when the transition is enabled). Rollback executions are not releases.
   */
  waitingExecutionId?: string;
}

export async function readInboundTransitions(
  aws: AwsClients,
  account: Account,
  pipeline: string,
): Promise<Map<string, StageTransition>> {
  const stages = await createCodePipelineAdapter(aws, account).getPipelineState(pipeline);
  return new Map(
    stages.map((s) => [
      s.stage,
      {
        stage: s.stage,
        enabled: s.inboundEnabled,
        ...(s.disabledReason ? { disabledReason: s.disabledReason } : {}),
        ...(s.lastChangedBy ? { lastChangedBy: s.lastChangedBy } : {}),
        ...(s.latestExecutionId ? { latestExecutionId: s.latestExecutionId } : {}),
        ...(s.waitingExecutionId ? { waitingExecutionId: s.waitingExecutionId } : {}),
      },
    ]),
  );
}
