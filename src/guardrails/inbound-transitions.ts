// The inbound transition of each stage as GetPipelineState reports it, including who changed it
// last (the adapter in aws/ keeps only what the engine needs).
import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { toAwsCallError } from '../aws/aws-errors.js';
import type { ActualTransition } from '../domain/guardrails/index.js';

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
  const out = await aws
    .codepipeline(account)
    .send(new GetPipelineStateCommand({ name: pipeline }))
    .catch((err: unknown) => {
      throw toAwsCallError(err, 'GetPipelineState', { account, pipeline });
    });
  const map = new Map<string, StageTransition>();
  for (const s of out.stageStates ?? []) {
    if (!s.stageName) continue;
    const t = s.inboundTransitionState;
    const inbound = s.inboundExecution ?? s.inboundExecutions?.[s.inboundExecutions.length - 1];
    const waiting =
      inbound?.pipelineExecutionId && inbound.type !== 'ROLLBACK'
        ? inbound.pipelineExecutionId
        : undefined;
    map.set(s.stageName, {
      stage: s.stageName,
      enabled: t?.enabled ?? true,
      ...(t?.disabledReason ? { disabledReason: t.disabledReason } : {}),
      ...(t?.lastChangedBy ? { lastChangedBy: t.lastChangedBy } : {}),
      ...(s.latestExecution?.pipelineExecutionId
        ? { latestExecutionId: s.latestExecution.pipelineExecutionId }
        : {}),
      ...(waiting ? { waitingExecutionId: waiting } : {}),
    });
  }
  return map;
}
