import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RollbackHarness,
  startRollbackHarness,
  waitFor,
} from '../../support/rollback-harness.js';
import { EXEC, SHA } from '../../support/rollback-world.js';

describe('stage rollback through the service (real Redis, sandbox, SDK)', () => {
  let e: RollbackHarness;
  beforeEach(async () => {
    e = await startRollbackHarness({ lockAfterRollback: true });
  });
  afterEach(async () => {
    await e.close();
  });

  const rollbackCalls = () =>
    e.sandbox.control.calls({ service: 'codepipeline', operation: 'RollbackStage' });

  /** Advances simulated time until the request reaches one of `states`. */
  async function runUntil(id: string, states: string[]) {
    return waitFor(`request ${id} in ${states.join('|')}`, async () => {
      e.sandbox.control.runUntilIdle();
      const r = await e.service.get(id);
      return r && states.includes(r.state) ? r : undefined;
    });
  }

  it('previews the default target with a diff and a compare link', async () => {
    const p = await e.service.preview('prod');
    expect(p).toMatchObject({ ok: true, kind: 'stage', stage: 'Deploy' });
    if (!p.ok || p.kind !== 'stage') return;
    expect(p.current.executionId).toBe(EXEC.c);
    expect(p.target.executionId).toBe(EXEC.b);
    expect(p.diff.sources[0]).toMatchObject({
      compareUrl: `https://github.com/acme/web-app/compare/${SHA.b}...${SHA.c}`,
      target: { revisionId: SHA.b, message: 'Add search' },
    });
    const list = await e.service.releases('prod', { limit: 5 });
    expect(list.map((r) => [r.executionId, r.valid])).toEqual([
      [EXEC.b, true],
      [EXEC.a, true],
    ]);
  });

  it('refuses in words', async () => {
    const out = await e.service.request({
      env: 'prod',
      to: 'fffffff',
      requestedBy: { kind: 'user', id: 'U1' },
      source: 'slash-command',
    });
    expect(out).toMatchObject({ outcome: 'refused', code: 'not-found' });
  });

  it('runs to Succeeded once, locks the stage, and audits every step', async () => {
    await e.startWorker();
    const out = await e.service.request({
      env: 'prod',
      requestedBy: { kind: 'user', id: 'U0ONCALL' },
      reason: 'errors after deploy',
      source: 'slash-command',
    });
    expect(out.outcome).toBe('created');
    if (out.outcome !== 'created') return;
    const done = await runUntil(out.request.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ state: 'succeeded', awsOrigin: 'called', lockedTransition: true });
    expect(done.summary).toMatch(/Succeeded/);
    expect(rollbackCalls()).toHaveLength(1);
    expect(rollbackCalls()[0]!.input).toMatchObject({
      stageName: 'Deploy',
      targetPipelineExecutionId: EXEC.b,
    });
    const disable = e.sandbox.control.calls({ operation: 'DisableStageTransition' });
    expect(disable).toHaveLength(1);
    expect(String(disable[0]!.input.reason)).toMatch(/^[a-zA-Z0-9!@ ().*?-]{1,300}$/);

    const audit = await e.service.audit(out.request.id);
    const steps = audit.map((a) => [a.fields.event, a.fields.from, a.fields.to, a.fields.by]);
    expect(steps).toEqual([
      ['requested', '', 'requested', 'user:U0ONCALL'],
      ['queued', 'requested', 'queued', 'policy'],
      // The baseline (newest execution before the call) is recorded with the claim.
      ['running', 'queued', 'running', 'worker'],
      ['aws-called', 'running', 'running', 'worker'],
      ['locked', 'running', 'running', 'worker'],
      ['succeeded', 'running', 'succeeded', 'worker'],
    ]);
    expect(audit[0]!.fields).toMatchObject({
      targetExecutionId: EXEC.b,
      currentExecutionId: EXEC.c,
      reason: 'errors after deploy',
    });
    expect(done.awsBaseline).toBe(EXEC.c);
    expect(audit[3]!.fields.awsExecutionId).toBe(done.awsExecutionId);
    expect(audit[5]!.fields.awsExecutionId).toBe(done.awsExecutionId);

    await e.service.unlock('prod', 'Deploy', 'user:U0ONCALL');
    expect(e.sandbox.control.calls({ operation: 'EnableStageTransition' })).toHaveLength(1);
  });

  it('the worker acts on the listing the request was decided on: no listing between it and RollbackStage', async () => {
    const out = await e.service.request({
      env: 'prod',
      requestedBy: { kind: 'user', id: 'U0ONCALL' },
      source: 'button',
    });
    if (out.outcome !== 'created') throw new Error(`not created: ${out.outcome}`);
    expect(out.request).toMatchObject({ state: 'queued', awsBaseline: EXEC.c });
    const before = e.sandbox.control.calls().length;
    await e.startWorker();
    await runUntil(out.request.id, ['succeeded']);
    const after = e.sandbox.control.calls().slice(before);
    const upTo = after.findIndex((c) => c.operation === 'RollbackStage');
    expect(upTo).toBeGreaterThanOrEqual(0);
    expect(after.slice(0, upTo).map((c) => c.operation)).not.toContain('ListPipelineExecutions');
    expect(rollbackCalls()).toHaveLength(1);
  });

  it('a double request makes one RollbackStage call and names the first', async () => {
    await e.startWorker();
    const [a, b] = await Promise.all([
      e.service.request({ env: 'prod', requestedBy: { kind: 'user', id: 'U1' }, source: 'button' }),
      e.service.request({ env: 'prod', requestedBy: { kind: 'user', id: 'U2' }, source: 'button' }),
    ]);
    const created = [a, b].filter((x) => x.outcome === 'created');
    const dup = [a, b].find((x) => x.outcome === 'already-active');
    expect(created).toHaveLength(1);
    expect(dup).toMatchObject({ outcome: 'already-active' });
    if (created[0]?.outcome !== 'created' || dup?.outcome !== 'already-active') return;
    expect(dup.active.requestId).toBe(created[0].request.id);
    expect(dup.active.since).toBeGreaterThan(0);
    await runUntil(created[0].request.id, ['succeeded']);
    expect(rollbackCalls()).toHaveLength(1);
  });

  it('two workers racing over several requests call AWS once per target', async () => {
    await Promise.all([e.startWorker(), e.startWorker()]);
    const outs = await Promise.all(
      ['U1', 'U2', 'U3', 'U4'].map((id) =>
        e.service.request({ env: 'prod', requestedBy: { kind: 'user', id }, source: 'button' }),
      ),
    );
    const created = outs.filter((o) => o.outcome === 'created');
    expect(created).toHaveLength(1);
    if (created[0]?.outcome !== 'created') return;
    await runUntil(created[0].request.id, ['succeeded']);
    expect(rollbackCalls()).toHaveLength(1);
  });

  it('throttled three times, then succeeds: one rollback, retries on the record', async () => {
    e.sandbox.control.injectFault('RollbackStage', { throttle: 3 });
    await e.startWorker();
    const out = await e.service.request({
      env: 'prod',
      requestedBy: { kind: 'user', id: 'U1' },
      source: 'slash-command',
    });
    if (out.outcome !== 'created') throw new Error(out.outcome);
    const done = await runUntil(out.request.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ state: 'succeeded', retries: 3 });
    const calls = rollbackCalls();
    expect(calls.map((c) => c.error ?? 'ok')).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ThrottlingException',
      'ok',
    ]);
    const retries = (await e.service.audit(out.request.id)).filter(
      (a) => a.fields.event === 'retry',
    );
    expect(retries.map((r) => [r.fields.error, r.fields.attempt])).toEqual([
      ['AWS_THROTTLED', '1'],
      ['AWS_THROTTLED', '2'],
      ['AWS_THROTTLED', '3'],
    ]);
  });

  /** Requests a rollback of prod and runs it to its end. */
  async function rollBackProd() {
    await e.startWorker();
    const out = await e.service.request({
      env: 'prod',
      requestedBy: { kind: 'user', id: 'U1' },
      source: 'slash-command',
    });
    if (out.outcome !== 'created') throw new Error(out.outcome);
    return runUntil(out.request.id, ['succeeded', 'failed']);
  }

  it('busy (ConflictException) is a refusal: one call, the request fails with what to do', async () => {
    e.sandbox.control.injectFault('RollbackStage', {
      error: { type: 'ConflictException', message: 'Pipeline web-app is busy', times: 1000 },
    });
    const done = await rollBackProd();
    expect(done).toMatchObject({ state: 'failed', lastError: 'AWS_CONFLICT', retries: 0 });
    expect(done.summary).toMatch(/pipeline is busy/i);
    expect(done.summary).toContain('AWS said: Pipeline web-app is busy');
    expect(done.nextStep).toMatch(
      /request the rollback again once the running execution has ended/,
    );
    expect(rollbackCalls()).toHaveLength(1);
    // The target is free again for the next request.
    e.sandbox.control.clearFaults();
    const next = await e.service.request({
      env: 'prod',
      requestedBy: { kind: 'user', id: 'U1' },
      source: 'slash-command',
    });
    expect(next.outcome).toBe('created');
  });

  it('an IAM denial of RollbackStage: one call, failed at once, naming the action and the pipeline ARN', async () => {
    e.sandbox.control.injectFault('RollbackStage', {
      error: {
        type: 'AccessDeniedException',
        message:
          'User: arn:aws:sts::111122223333:assumed-role/rollback-bot/i-0abc is not authorized to perform: codepipeline:RollbackStage on resource: arn:aws:codepipeline:us-east-1:111122223333:web-app because no identity-based policy allows the codepipeline:RollbackStage action',
      },
    });
    const done = await rollBackProd();
    expect(done).toMatchObject({ state: 'failed', lastError: 'AWS_ACCESS_DENIED', retries: 0 });
    expect(done.summary).toMatch(
      /^AWS denied codepipeline:RollbackStage on pipeline web-app stage Deploy in us-east-1/,
    );
    expect(done.summary).toContain('is not authorized to perform: codepipeline:RollbackStage');
    expect(done.nextStep).toContain(
      'Allow codepipeline:RollbackStage on arn:aws:codepipeline:us-east-1:<account>:web-app',
    );
    expect(done.nextStep).toContain('"AWS permissions": roll back a stage');
    expect(rollbackCalls().map((c) => c.error)).toEqual(['AccessDeniedException']);
    const audit = await e.service.audit(done.id);
    expect(audit.filter((a) => a.fields.event === 'retry')).toEqual([]);
  });

  it('a ValidationException naming an ARN: one call, failed at once, naming the input', async () => {
    e.sandbox.control.injectFault('RollbackStage', {
      error: {
        type: 'ValidationException',
        message:
          "1 validation error detected: Value 'Deploy ' at 'stageName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+ (arn:aws:codepipeline:us-east-1:111122223333:web-app)",
      },
    });
    const done = await rollBackProd();
    expect(done).toMatchObject({ state: 'failed', lastError: 'AWS_VALIDATION', retries: 0 });
    expect(done.summary).toMatch(/rejected the input of RollbackStage .*\(the field stageName\)/);
    expect(done.nextStep).toMatch(/stage name \(Deploy\)/);
    expect(rollbackCalls()).toHaveLength(1);
  });

  it('HTTP 500 twice, then success: retried with backoff, one successful call', async () => {
    e.sandbox.control.injectFault('RollbackStage', { http500: 2 });
    const done = await rollBackProd();
    expect(done).toMatchObject({ state: 'succeeded', retries: 2 });
    expect(rollbackCalls().map((c) => c.error ?? 'ok')).toEqual([
      'InternalFailure',
      'InternalFailure',
      'ok',
    ]);
  });

  it('an unrecoverable AWS refusal fails at once, readable and without credentials', async () => {
    e.sandbox.control.injectFault('RollbackStage', {
      error: {
        type: 'UnableToRollbackStageException',
        message: 'Stage Deploy is currently running (key AKIAABCDEFGHIJKLMNOP)',
      },
    });
    await e.startWorker();
    const out = await e.service.request({
      env: 'prod',
      requestedBy: { kind: 'user', id: 'U1' },
      source: 'slash-command',
    });
    if (out.outcome !== 'created') throw new Error(out.outcome);
    const done = await runUntil(out.request.id, ['succeeded', 'failed']);
    expect(done.state).toBe('failed');
    expect(done.summary).toMatch(/AWS cannot roll back pipeline web-app stage Deploy/);
    expect(done.summary).not.toMatch(/AKIA/);
    expect(rollbackCalls()).toHaveLength(1);
  });
});
