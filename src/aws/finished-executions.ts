// Finished pipeline executions never change: what GetPipelineExecution and ListActionExecutions
// answered about one is kept per client (so per process and account), the newest
// FINISHED_ANSWERS_KEPT answers, and later reads of it never reach AWS.
//
// Finished means Succeeded, Superseded or Cancelled. Failed and Stopped executions are not kept:
// RetryStageExecution runs the same execution again. An execution's action executions are kept
// only once the execution was seen finished (by GetPipelineExecution or ListPipelineExecutions)
// before they were listed, so a listing never misses an action that finished after it.
//
// It wraps the client's `send`, as the read scope (read-scope.ts) wraps a scoped view's: the
// adapters, the paginators and every scope built on the client read through it without knowing.
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';

/**
 * Answers kept per client, least recently used dropped first. An execution's answer is a few KB,
 * a page of its action executions up to some tens of KB: at most about 10 MB per account.
 */
export const FINISHED_ANSWERS_KEPT = 500;

const FINISHED = new Set(['Succeeded', 'Superseded', 'Cancelled']);

interface Command {
  input: unknown;
  constructor: { name: string };
}

interface ExecutionInput {
  pipelineName?: string;
  pipelineExecutionId?: string;
  filter?: { pipelineExecutionId?: string };
}

interface Summaries {
  pipelineExecutionSummaries?: Array<{ pipelineExecutionId?: string; status?: string }>;
}

interface Execution {
  pipelineExecution?: { status?: string };
}

/** A map that drops its least recently used entry beyond `max`. */
function lru<V>(max: number) {
  const map = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const v = map.get(key);
      if (v === undefined) return undefined;
      map.delete(key);
      map.set(key, v);
      return v;
    },
    set(key: string, v: V): void {
      map.delete(key);
      map.set(key, v);
      if (map.size > max) map.delete(map.keys().next().value as string);
    },
  };
}

/** Makes `client` keep what it reads about finished executions (once, when it is made). */
export function keepFinishedExecutions(
  client: CodePipelineClient,
  max = FINISHED_ANSWERS_KEPT,
): CodePipelineClient {
  const real = client.send.bind(client) as (
    command: Command,
    ...rest: unknown[]
  ) => Promise<unknown>;
  const finished = lru<true>(max);
  const answers = lru<unknown>(max);
  const execution = (pipeline: string | undefined, id: string | undefined) =>
    pipeline && id ? `${pipeline}|${id}` : undefined;

  const send = async (command: Command, ...rest: unknown[]): Promise<unknown> => {
    const operation = command.constructor.name;
    const input = command.input as ExecutionInput;
    if (operation === 'ListPipelineExecutionsCommand') {
      const out = (await real(command, ...rest)) as Summaries;
      for (const s of out.pipelineExecutionSummaries ?? []) {
        const id = execution(input.pipelineName, s.pipelineExecutionId);
        if (id && FINISHED.has(s.status ?? '')) finished.set(id, true);
      }
      return out;
    }
    const id =
      operation === 'GetPipelineExecutionCommand'
        ? execution(input.pipelineName, input.pipelineExecutionId)
        : operation === 'ListActionExecutionsCommand'
          ? execution(input.pipelineName, input.filter?.pipelineExecutionId)
          : undefined;
    if (!id) return real(command, ...rest);
    const key = `${operation}|${JSON.stringify(input)}`;
    const kept = answers.get(key);
    if (kept !== undefined) return kept;
    const finishedBefore = finished.get(id) !== undefined;
    const out = await real(command, ...rest);
    if (operation === 'GetPipelineExecutionCommand') {
      if (FINISHED.has((out as Execution).pipelineExecution?.status ?? '')) {
        finished.set(id, true);
        answers.set(key, out);
      }
    } else if (finishedBefore) {
      answers.set(key, out);
    }
    return out;
  };
  (client as unknown as { send: typeof send }).send = send;
  return client;
}
