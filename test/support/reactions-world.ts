// The world for reaction tests: `web-app` (bot-driven rollbacks) and `native-app`, whose Deploy
// stage rolls back on its own (onFailure: ROLLBACK), each with two good releases; one alarm.
import type { World } from '../../src/sandbox/aws/index.js';

export const EXEC = {
  a: '11111111-1111-4111-8111-111111111111',
  b: '22222222-2222-4222-8222-222222222222',
  na: '44444444-4444-4444-8444-444444444444',
  nb: '55555555-5555-4555-8555-555555555555',
};
export const SHA = {
  a: 'aaaaaaa111111111111111111111111111111111',
  b: 'bbbbbbb222222222222222222222222222222222',
  bad: 'ddddddd444444444444444444444444444444444',
};
export const ALARM = 'web-5xx';

const stages = (onFailure?: 'ROLLBACK') => [
  {
    name: 'Source',
    actions: [
      { name: 'Source', category: 'Source' as const, provider: 'CodeStarSourceConnection' },
    ],
  },
  {
    name: 'Build',
    actions: [{ name: 'Build', category: 'Build' as const, provider: 'CodeBuild' }],
  },
  { name: 'Deploy', ...(onFailure ? { onFailure } : {}), actions: [{ name: 'Deploy' }] },
];

const rev = (sha: string, message: string) => ({
  id: sha,
  message,
  author: 'dev',
  url: `https://github.com/acme/web-app/commit/${sha}`,
  actionName: 'Source',
});

export function reactionsWorld(): World {
  return {
    now: '2026-03-02T12:00:00Z',
    pipelines: [
      {
        name: 'web-app',
        stageDuration: '60s',
        stages: stages(),
        executions: [
          {
            id: EXEC.a,
            status: 'Succeeded',
            startTime: '2026-03-01T09:00:00Z',
            revision: rev(SHA.a, 'Add login'),
          },
          {
            id: EXEC.b,
            status: 'Succeeded',
            startTime: '2026-03-01T10:00:00Z',
            revision: rev(SHA.b, 'Add search'),
          },
        ],
      },
      {
        name: 'native-app',
        stageDuration: '60s',
        stages: stages('ROLLBACK'),
        executions: [
          {
            id: EXEC.na,
            status: 'Succeeded',
            startTime: '2026-03-01T09:00:00Z',
            revision: rev(SHA.a, 'Add login'),
          },
          {
            id: EXEC.nb,
            status: 'Succeeded',
            startTime: '2026-03-01T10:00:00Z',
            revision: rev(SHA.b, 'Add search'),
          },
        ],
      },
    ],
    alarms: [
      {
        name: ALARM,
        state: 'OK',
        metric: {
          namespace: 'AWS/ApplicationELB',
          name: 'HTTPCode_Target_5XX_Count',
          threshold: 25,
        },
      },
    ],
  } as World;
}
