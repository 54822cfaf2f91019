// Finished executions (src/aws/finished-executions.ts) over the real SDK clients from
// createAwsClients against the local endpoint: what was read about a succeeded execution reaches
// AWS once per client; a failed one, and live state, are read every time; the kept answers are
// bounded.
import {
  CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/aws-clients.js';
import { createCodePipelineAdapter } from '../../../src/aws/codepipeline-adapter.js';
import { keepFinishedExecutions } from '../../../src/aws/finished-executions.js';
import { scopeReads } from '../../../src/aws/read-scope.js';
import { BAD, GOOD, OLD_OK, sandboxWithBotClients } from '../sandbox/aws/support.js';

const account = { region: 'us-east-1' };
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const t = sandboxWithBotClients();
beforeEach(() => t.sandbox.control.clearCalls());

const get = (id: string) =>
  new GetPipelineExecutionCommand({ pipelineName: 'web-app', pipelineExecutionId: id });
const actions = (id: string) =>
  new ListActionExecutionsCommand({
    pipelineName: 'web-app',
    filter: { pipelineExecutionId: id },
  });
const callsOf = (operation: string) => t.sandbox.control.calls({ operation }).length;

describe('finished executions', () => {
  it('reads a succeeded execution once per client, through any scope', async () => {
    const fresh = createAwsClients({ endpoint: t.sandbox.url, credentials });
    try {
      const a = await fresh.codepipeline(account).send(get(GOOD));
      const b = await scopeReads(fresh).codepipeline(account).send(get(GOOD));
      expect(a.pipelineExecution?.status).toBe('Succeeded');
      expect(b).toEqual(a);
      expect(callsOf('GetPipelineExecution')).toBe(1);
    } finally {
      fresh.destroy();
    }
  });

  it('reads a failed execution every time', async () => {
    const cp = t.aws.codepipeline(account);
    await cp.send(get(BAD));
    await cp.send(get(BAD));
    expect(callsOf('GetPipelineExecution')).toBe(2);
    await cp.send(actions(BAD));
    await cp.send(actions(BAD));
    expect(callsOf('ListActionExecutions')).toBe(2);
  });

  it('keeps action executions only of an execution already seen finished', async () => {
    const fresh = createAwsClients({ endpoint: t.sandbox.url, credentials });
    try {
      const cp = fresh.codepipeline(account);
      // Not yet known finished: read, and not kept.
      await cp.send(actions(OLD_OK));
      await cp.send(new ListPipelineExecutionsCommand({ pipelineName: 'web-app' }));
      const first = await cp.send(actions(OLD_OK));
      const again = await cp.send(actions(OLD_OK));
      expect(again).toEqual(first);
      expect(callsOf('ListActionExecutions')).toBe(2);
    } finally {
      fresh.destroy();
    }
  });

  it('keeps at most its bound, dropping the least recently used', async () => {
    const raw = new CodePipelineClient({ ...account, endpoint: t.sandbox.url, credentials });
    try {
      const cp = keepFinishedExecutions(raw, 1);
      await cp.send(get(GOOD));
      await cp.send(get(GOOD));
      expect(callsOf('GetPipelineExecution')).toBe(1);
      await cp.send(get(OLD_OK));
      await cp.send(get(GOOD));
      expect(callsOf('GetPipelineExecution')).toBe(3);
    } finally {
      raw.destroy();
    }
  });
});

describe('pipeline definitions by version', () => {
  const definition = (version?: number) =>
    new GetPipelineCommand({ name: 'web-app', ...(version !== undefined ? { version } : {}) });

  it('a version is read once per client; the current definition is asked every time', async () => {
    const fresh = createAwsClients({ endpoint: t.sandbox.url, credentials });
    try {
      const cp = fresh.codepipeline(account);
      const now = await cp.send(definition());
      await cp.send(definition());
      expect(callsOf('GetPipeline')).toBe(2);
      const version = now.pipeline?.version;
      expect(version).toBeGreaterThan(0);
      // The unversioned answer is kept under the version it names.
      const atVersion = await scopeReads(fresh).codepipeline(account).send(definition(version));
      expect(atVersion.pipeline).toEqual(now.pipeline);
      expect(callsOf('GetPipeline')).toBe(2);
    } finally {
      fresh.destroy();
    }
  });

  it('the adapter reads the definition at the version GetPipelineState names, once', async () => {
    const fresh = createAwsClients({ endpoint: t.sandbox.url, credentials });
    try {
      const cp = createCodePipelineAdapter(fresh, account);
      for (let i = 0; i < 3; i++) {
        const state = await cp.getStageState('web-app', 'Deploy');
        const d = await cp.getPipeline('web-app', state.pipelineVersion);
        expect(d.stageNames).toContain('Deploy');
      }
      expect(callsOf('GetPipelineState')).toBe(3);
      expect(callsOf('GetPipeline')).toBe(1);
    } finally {
      fresh.destroy();
    }
  });

  it('a version AWS no longer has is not kept: the adapter reads the current one instead', async () => {
    const fresh = createAwsClients({ endpoint: t.sandbox.url, credentials });
    try {
      const cp = fresh.codepipeline(account);
      await expect(cp.send(definition(99))).rejects.toMatchObject({
        name: 'PipelineVersionNotFoundException',
      });
      const d = await createCodePipelineAdapter(fresh, account).getPipeline('web-app', 99);
      expect(d.stageNames).toContain('Deploy');
      expect(
        t.sandbox.control.calls({ operation: 'GetPipeline' }).map((c) => c.input.version),
      ).toEqual([99, 99, undefined]);
    } finally {
      fresh.destroy();
    }
  });
});
