// A small world for the rollback harness (rollback-harness.ts): one V2 pipeline with a failing
// release in Deploy, and one CodeDeploy group with a history of S3 revisions.
import type { World } from '../../src/sandbox/aws/index.js';

export const EXEC = {
  a: '11111111-1111-4111-8111-111111111111',
  b: '22222222-2222-4222-8222-222222222222',
  c: '33333333-3333-4333-8333-333333333333',
};
export const SHA = {
  a: 'aaaaaaa111111111111111111111111111111111',
  b: 'bbbbbbb222222222222222222222222222222222',
  c: 'ccccccc333333333333333333333333333333333',
};

const rev = (sha: string, message: string) => ({
  id: sha,
  message,
  author: 'dev',
  url: `https://github.com/acme/web-app/commit/${sha}`,
  actionName: 'Source',
});

export function rollbackWorld(): World {
  return {
    now: '2026-03-02T12:00:00Z',
    pipelines: [
      {
        name: 'web-app',
        version: 1,
        stageDuration: '60s',
        stages: [
          {
            name: 'Source',
            actions: [{ name: 'Source', category: 'Source', provider: 'CodeStarSourceConnection' }],
          },
          { name: 'Build', actions: [{ name: 'Build', category: 'Build', provider: 'CodeBuild' }] },
          { name: 'Deploy', actions: [{ name: 'Deploy' }] },
        ],
        executions: [
          {
            id: EXEC.a,
            status: 'Succeeded',
            startTime: '2026-03-01T09:00:00Z',
            revision: rev(SHA.a, 'Add login\n\nlong body'),
          },
          {
            id: EXEC.b,
            status: 'Succeeded',
            startTime: '2026-03-01T10:00:00Z',
            revision: rev(SHA.b, 'Add search'),
          },
          {
            id: EXEC.c,
            status: 'Failed',
            startTime: '2026-03-02T11:00:00Z',
            revision: rev(SHA.c, 'Break everything'),
            stages: { Source: 'Succeeded', Build: 'Succeeded', Deploy: 'Failed' },
          },
        ],
      },
    ],
    codedeploy: {
      applications: [
        {
          name: 'billing-api',
          groups: [
            {
              name: 'prod-eu',
              deploymentDuration: '60s',
              deployments: [
                {
                  id: 'd-AAAAAAAA1',
                  status: 'Succeeded',
                  createTime: '2026-03-01T09:00:00Z',
                  revision: { s3: { bucket: 'builds', key: 'billing-v1.zip' } },
                  fileExistsBehavior: 'RETAIN',
                },
                {
                  id: 'd-AAAAAAAA2',
                  status: 'Succeeded',
                  createTime: '2026-03-01T10:00:00Z',
                  revision: { s3: { bucket: 'builds', key: 'billing-v2.zip' } },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}
