// The inbound transition of each stage as GetPipelineState reports it, including who changed it
// last (the adapter in aws/ keeps only what the engine needs).
import { GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import type { Account, AwsClients } from '../aws/aws-clients.js';
import { toAwsCallError } from '../aws/aws-errors.js';
import type { ActualTransition } from '../domain/guardrails/index.js';

export interface StageTransition extends ActualTransition {
  stage: string;
  latestExecutionId?: string;
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
    map.set(s.stageName, {
      stage: s.stageName,
      enabled: t?.enabled ?? true,
      ...(t?.disabledReason ? { disabledReason: t.disabledReason } : {}),
      ...(t?.lastChangedBy ? { lastChangedBy: t.lastChangedBy } : {}),
      ...(s.latestExecution?.pipelineExecutionId
        ? { latestExecutionId: s.latestExecution.pipelineExecutionId }
        : {}),
    });
  }
  return map;
}
