import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RollbackHarness,
  startRollbackHarness,
  waitFor,
} from '../../support/rollback-harness.js';

describe('CodeDeploy rollback through the service', () => {
  let e: RollbackHarness;
  beforeEach(async () => {
    e = await startRollbackHarness();
  });
  afterEach(async () => {
    await e.close();
  });

  async function runUntil(id: string) {
    return waitFor(`request ${id} to end`, async () => {
      e.sandbox.control.runUntilIdle();
      const r = await e.service.get(id);
      return r && (r.state === 'succeeded' || r.state === 'failed') ? r : undefined;
    });
  }

  it('redeploys the last good revision with the target’s fileExistsBehavior, and says so', async () => {
    // A bad v3 deployment failed; the last good revision differing from it is v2.
    e.sandbox.control.startDeployment('billing-api', 'prod-eu', {
      revision: { s3: { bucket: 'builds', key: 'billing-v3.zip' } },
      outcome: { fail: true },
    });
    e.sandbox.control.runUntilIdle();
    const p = await e.service.preview('billing', { to: 'd-AAAAAAAA1' });
    expect(p).toMatchObject({
      ok: true,
      kind: 'deployment-group',
      action: 'redeploy',
      fileExists: { behavior: 'RETAIN' },
    });
    if (p.ok && p.kind === 'deployment-group')
      expect(p.fileExists?.note).toMatch(/what deployment d-AAAAAAAA1 used/);

    await e.startWorker();
    const out = await e.service.request({
      env: 'billing',
      to: 'd-AAAAAAAA1',
      requestedBy: { kind: 'user', id: 'U1' },
      source: 'slash-command',
    });
    if (out.outcome !== 'created') throw new Error(JSON.stringify(out));
    // Simulated time stands still: the follower's read of the deployment in flight counts its
    // instances, and they are noted on the request for its live status.
    const inFlight = await waitFor(
      'the instances in flight',
      async () => (await e.service.get(out.request.id))?.deployProgress,
    );
    expect(inFlight).toEqual({ unit: 'instances', done: 0, failed: 0, total: 2 });
    const done = await runUntil(out.request.id);
    expect(done).toMatchObject({ state: 'succeeded' });
    const creates = e.sandbox.control.calls({
      service: 'codedeploy',
      operation: 'CreateDeployment',
    });
    expect(creates).toHaveLength(1);
    expect(creates[0]!.input).toMatchObject({
      applicationName: 'billing-api',
      deploymentGroupName: 'prod-eu',
      fileExistsBehavior: 'RETAIN',
      revision: { revisionType: 'S3', s3Location: { bucket: 'builds', key: 'billing-v1.zip' } },
    });
    expect(String(creates[0]!.input.description)).toContain(out.request.id);
  });

  it('stops an in-flight deployment with rollback and follows CodeDeploy’s rollback', async () => {
    const { deploymentId } = e.sandbox.control.startDeployment('billing-api', 'prod-eu', {
      revision: { s3: { bucket: 'builds', key: 'billing-v3.zip' } },
    });
    const p = await e.service.preview('billing');
    expect(p).toMatchObject({ ok: true, action: 'stop', current: { deploymentId } });
    await e.startWorker();
    const out = await e.service.request({
      env: 'billing',
      requestedBy: { kind: 'auto', reason: 'alarm' },
      source: 'auto-alarm',
    });
    if (out.outcome !== 'created') throw new Error(JSON.stringify(out));
    // Simulated time stands still until the stop has been asked for, so the deployment is in flight.
    await waitFor(
      'StopDeployment',
      () => e.sandbox.control.calls({ operation: 'StopDeployment' }).length > 0,
    );
    const done = await runUntil(out.request.id);
    const stops = e.sandbox.control.calls({ service: 'codedeploy', operation: 'StopDeployment' });
    expect(stops).toHaveLength(1);
    expect(stops[0]!.input).toMatchObject({ deploymentId, autoRollbackEnabled: true });
    expect(done).toMatchObject({ state: 'succeeded', stoppedDeploymentId: deploymentId });
    expect(done.awsExecutionId).toMatch(/^d-/);
    expect(done.awsExecutionId).not.toBe(deploymentId);
    const audit = await e.service.audit(out.request.id);
    expect(audit.find((a) => a.fields.event === 'following')?.fields.awsExecutionId).toBe(
      done.awsExecutionId,
    );
    // The live status's steps: AWS accepted the stop, then deployed from when CodeDeploy named
    // its rollback deployment.
    expect(done.awsAcceptedAt).toBeGreaterThan(0);
    expect(done.deployingSince).toBeGreaterThanOrEqual(done.awsAcceptedAt!);
    expect(audit[0]!.fields.by).toBe('auto:alarm');
  });
});
