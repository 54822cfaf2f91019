// Which failures the start-up check acts on: a guarded stage's latest execution that failed
// inside the look-back, and nothing else.
import { describe, expect, it } from 'vitest';
import { missedFailures } from '../../../../src/events/poller/missed-failures.js';

const now = Date.parse('2026-12-01T12:00:00Z');
const since = now - 3_600_000;
const at = (iso: string) => new Date(iso);
const p = { stages: ['Deploy', 'Deploy-Staging'] };

describe('missedFailures', () => {
  it('a guarded stage whose latest execution failed within the look-back, as its FAILED (attempt 1)', () => {
    const found = missedFailures(
      p,
      [
        {
          stage: 'Deploy',
          latestExecutionId: 'e-1',
          latestStatus: 'Failed',
          lastChangeAt: at('2026-12-01T11:30:00Z'),
        },
        {
          stage: 'Deploy-Staging',
          latestExecutionId: 'e-0',
          latestStatus: 'Succeeded',
          lastChangeAt: at('2026-12-01T11:20:00Z'),
        },
      ],
      since,
      now,
    );
    expect(found).toEqual([
      {
        stage: 'Deploy',
        executionId: 'e-1',
        attempt: 1,
        state: 'FAILED',
        at: '2026-12-01T11:30:00.000Z',
      },
    ]);
  });

  it.each([
    ['before the look-back', { latestStatus: 'Failed', lastChangeAt: at('2026-12-01T10:59:59Z') }],
    ['with no time to place it', { latestStatus: 'Failed' }],
    ['still running', { latestStatus: 'InProgress', lastChangeAt: at('2026-12-01T11:59:00Z') }],
    ['stopped, not failed', { latestStatus: 'Stopped', lastChangeAt: at('2026-12-01T11:59:00Z') }],
  ])('leaves a stage alone %s', (_why, s) => {
    expect(
      missedFailures(p, [{ stage: 'Deploy', latestExecutionId: 'e-1', ...s }], since, now),
    ).toEqual([]);
  });

  it('looks only at guarded stages', () => {
    const stages = [
      {
        stage: 'Build',
        latestExecutionId: 'e-1',
        latestStatus: 'Failed',
        lastChangeAt: at('2026-12-01T11:59:00Z'),
      },
    ];
    expect(missedFailures(p, stages, since, now)).toEqual([]);
  });
});
