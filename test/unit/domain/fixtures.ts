// Small builders for pure target-choice tests.
import type { PipelineRelease, StageSnapshot } from '../../../src/domain/releases.js';

export function execId(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

export function release(
  i: number,
  sha: string,
  extra: Partial<PipelineRelease> = {},
): PipelineRelease {
  return {
    executionId: execId(i),
    status: 'Succeeded',
    startTime: new Date(Date.UTC(2026, 0, 1, 0, i)),
    executionType: 'STANDARD',
    sourceRevisions: [
      {
        actionName: 'Source',
        revisionId: sha,
        message: `commit ${sha.slice(0, 7)}`,
        url: `https://github.com/acme/web-app/commit/${sha}`,
      },
    ],
    pipelineVersion: 3,
    ...extra,
  };
}

export function snapshot(
  succeeded: PipelineRelease[],
  extra: Partial<StageSnapshot> = {},
): StageSnapshot {
  return {
    pipeline: 'web-app',
    stage: 'Deploy',
    pipelineVersion: 3,
    stageNames: ['Source', 'Build', 'Deploy'],
    succeeded: [...succeeded].sort((a, b) => b.startTime.getTime() - a.startTime.getTime()),
    ...extra,
  };
}

export const SHA = {
  a: 'aaaaaaa1111111111111111111111111111111111',
  b: 'bbbbbbb2222222222222222222222222222222222',
  c: 'ccccccc3333333333333333333333333333333333',
  d: 'ddddddd4444444444444444444444444444444444',
  c2: 'ccccccc9999999999999999999999999999999999',
};
