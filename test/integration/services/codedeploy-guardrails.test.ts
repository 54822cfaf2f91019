// The guardrails' rules for a deployment group, through the rollback service and the real
// guardrails decide, on real Redis and the local AWS endpoint: a target older than the previous
// release, one that crosses a deployment marked [rollback-unsafe], and one that is bad here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainPhrase } from '../../../src/domain/phrase.js';
import type { RollbackService } from '../../../src/services/rollback-service.js';
import { rollbackConfig } from '../../support/rollback-config.js';
import { type RollbackHarness, startRollbackHarness } from '../../support/rollback-harness.js';

describe('CodeDeploy rollbacks under the guardrails', () => {
  let e: RollbackHarness;
  let service: RollbackService;
  beforeEach(async () => {
    const config = rollbackConfig();
    const billing = config.environments.billing!;
    e = await startRollbackHarness({
      config: {
        ...config,
        environments: {
          billing: {
            ...billing,
            approval: { ...billing.approval, when: ['older-than-previous'], approvers: ['U0MGR'] },
          },
        },
      },
    });
    service = e.service;
  });
  afterEach(async () => {
    await e.close();
  });

  function deploy(version: string, description: string): string {
    const { deploymentId } = e.sandbox.control.startDeployment('billing-api', 'prod-eu', {
      revision: { s3: { bucket: 'builds', key: `billing-${version}.zip` } },
      description,
    });
    e.sandbox.control.runUntilIdle();
    return deploymentId;
  }

  const review = (to?: string) =>
    service.review({
      env: 'billing',
      ...(to ? { to } : {}),
      requestedBy: { kind: 'user', id: 'U1' },
      source: 'slash-command',
    });

  it('older than the previous release and across an unsafe one: approval, naming both', async () => {
    const v3 = deploy('v3', 'billing 3.0 [rollback-unsafe] migration 0042');
    deploy('v4', 'billing 4.0');

    const byDefault = await review();
    expect(byDefault.preview).toMatchObject({ ok: true, target: { deploymentId: v3 } });
    expect(byDefault.decision).toEqual({ kind: 'allow' });

    const older = await review('d-AAAAAAAA2');
    expect(older.preview).toMatchObject({ ok: true, olderThanPrevious: true });
    expect(older.decision).toMatchObject({
      kind: 'needs-approval',
      rule: 'older-than-previous, crosses-unsafe-release',
    });
    if (older.decision?.kind !== 'needs-approval') throw new Error('expected approval');
    expect(plainPhrase(older.decision.detail)).toContain(`${v3} (CodeDeploy revision`);
    expect(plainPhrase(older.decision.detail)).toContain('migration 0042');
  });

  it('a release marked bad is skipped by default, and choosing it needs approval', async () => {
    const v3 = deploy('v3', 'billing 3.0');
    deploy('v4', 'billing 4.0');
    const marked = await service.mark({
      env: 'billing',
      release: v3,
      standing: 'bad',
      by: 'user:U1',
      why: 'corrupts invoices',
    });
    expect(marked).toMatchObject({ ok: true, releaseId: v3 });

    const byDefault = await review();
    expect(byDefault.preview).toMatchObject({ ok: true, target: { deploymentId: 'd-AAAAAAAA2' } });
    // The bad one is not "the previous release": going past it is not older than previous.
    expect(byDefault.decision).toEqual({ kind: 'allow' });

    const bad = await review(v3);
    expect(bad.decision).toMatchObject({ kind: 'needs-approval', rule: 'target-is-bad' });
    if (bad.decision?.kind !== 'needs-approval') throw new Error('expected approval');
    expect(plainPhrase(bad.decision.detail)).toContain('corrupts invoices');
  });
});
