// Finished pipeline executions never change: what GetPipelineExecution and ListActionExecutions
// answered about one is kept per client (so per process and account), the newest
// FINISHED_ANSWERS_KEPT answers, and later reads of it never reach AWS.
//
// Finished means Succeeded, Superseded or Cancelled. Failed and Stopped executions are not kept:
// RetryStageExecution runs the same execution again. An execution's action executions are kept
// only once the execution was seen finished (by GetPipelineExecution or ListPipelineExecutions)
// before they were listed, so a listing never misses an action that finished after it.
//
// A pipeline's definition at one version never changes either: GetPipeline asked for a `version`
// is kept, and an answer to an unversioned GetPipeline is kept under the version it names (so the
// next reader that asks for that version, from GetPipelineState or an event, finds it). An
// unversioned GetPipeline always reaches AWS: it asks what the pipeline is now.
//
// It wraps the client's `send`, as the read scope (read-scope.ts) wraps a scoped view's: the
// adapters, the paginators and every scope built on the client read through it without knowing.
import {
  type CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';

/**
 * Answers kept per client, least recently used dropped first. An execution's answer is a few KB,
 * a page of its action executions up to some tens of KB: at most about 10 MB per account.
 */
export const FINISHED_ANSWERS_KEPT = 500;

const FINISHED = new Set(['Succeeded', 'Superseded', 'Cancelled']);

interface Command {
  input: unknown;
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

interface Definition {
  pipeline?: { name?: string; version?: number };
}

const definitionKey = (name: string | undefined, version: number | undefined) =>
  name && version !== undefined ? `GetPipeline|${name}|${version}` : undefined;

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
    // By class, not by class name: a bundler may rename classes.
    const input = command.input as ExecutionInput;
    if (command instanceof GetPipelineCommand) {
      const asked = command.input;
      const key = definitionKey(asked.name, asked.version);
      const kept = key ? answers.get(key) : undefined;
      if (kept !== undefined) return kept;
      const out = (await real(command, ...rest)) as Definition;
      const answered = definitionKey(asked.name, out.pipeline?.version);
      if (answered && (asked.version === undefined || asked.version === out.pipeline?.version)) {
        answers.set(answered, out);
      }
      return out;
    }
    if (command instanceof ListPipelineExecutionsCommand) {
      const out = (await real(command, ...rest)) as Summaries;
      for (const s of out.pipelineExecutionSummaries ?? []) {
        const id = execution(input.pipelineName, s.pipelineExecutionId);
        if (id && FINISHED.has(s.status ?? '')) finished.set(id, true);
      }
      return out;
    }
    const isGet = command instanceof GetPipelineExecutionCommand;
    const id = isGet
      ? execution(input.pipelineName, input.pipelineExecutionId)
      : command instanceof ListActionExecutionsCommand
        ? execution(input.pipelineName, input.filter?.pipelineExecutionId)
        : undefined;
    if (!id) return real(command, ...rest);
    const key = `${isGet ? 'GetPipelineExecution' : 'ListActionExecutions'}|${JSON.stringify(input)}`;
    const kept = answers.get(key);
    if (kept !== undefined) return kept;
    const finishedBefore = finished.get(id) !== undefined;
    const out = await real(command, ...rest);
    if (isGet) {
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
