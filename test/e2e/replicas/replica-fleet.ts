// The world, configuration and workspace of the replica tests: ten targets `r00`…`r09` (one
// pipeline each, Source → Build → Deploy, two good releases), `slow` (a Deploy that takes a few
// seconds, to kill a worker while it is being followed) and `quiet` (nothing ever happens there:
// the poller's reads of it are its ticks). Five channels, every user in each.
import type { World } from '../../../src/sandbox/aws/index.js';
import { demoWorkspace, type Workspace } from '../../../src/sandbox/slack/index.js';

export const TARGETS = Array.from({ length: 10 }, (_, i) => `r${String(i).padStart(2, '0')}`);
export const SLOW = 'slow';
export const QUIET = 'quiet';
export const CHANNELS = Array.from({ length: 5 }, (_, i) => `C0REPL${String(i).padStart(2, '0')}`);
/** The poller's interval (config events.poll.interval). */
export const POLL_INTERVAL_MS = 1_000;
/** How long the slow pipeline's Deploy (and so its rollback) takes. */
export const SLOW_DEPLOY = '8s';

export const pipelineOf = (env: string) => `pipe-${env}`;
export const channelOf = (env: string) =>
  CHANNELS[env === SLOW || env === QUIET ? 0 : Number(env.slice(1)) % CHANNELS.length]!;

const uuid = (n: number, k: number) =>
  `${String(n).padStart(8, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}`;
const sha = (n: number, k: number) => `${String(n).padStart(2, '0')}${String(k)}`.padEnd(40, 'a');

const ENVS = [...TARGETS, SLOW, QUIET];

export function replicaWorld(): World {
  return {
    now: '2026-03-02T12:00:00Z',
    pipelines: ENVS.map((env, n) => ({
      name: pipelineOf(env),
      stageDuration: '50ms',
      stages: [
        {
          name: 'Source',
          actions: [{ name: 'Source', category: 'Source', provider: 'CodeStarSourceConnection' }],
        },
        { name: 'Build', actions: [{ name: 'Build', category: 'Build', provider: 'CodeBuild' }] },
        {
          name: 'Deploy',
          ...(env === SLOW ? { duration: SLOW_DEPLOY } : {}),
          actions: [{ name: 'Deploy' }],
        },
      ],
      executions: [1, 2].map((k) => ({
        id: uuid(n, k),
        status: 'Succeeded',
        startTime: `2026-03-01T0${k}:00:00Z`,
        revision: {
          id: sha(n, k),
          message: `release ${k} of ${env}`,
          author: 'dev',
          url: `https://github.com/acme/${pipelineOf(env)}/commit/${sha(n, k)}`,
          actionName: 'Source',
        },
      })),
    })),
  } as World;
}

export function replicaConfig(): string {
  const envs = ENVS.map(
    (env) => `  ${env}:
    channel: ${channelOf(env)}
    pipeline: ${pipelineOf(env)}
    stages: { Deploy: {} }
    autoRollback: off`,
  );
  return `defaults:
  timezone: UTC
  region: us-east-1
  approvers: [S0APPROVERS]
  bake: 2m
  feed: quiet
  permissions:
    request: [channel]
access:
  admins: [U0RELEASE]
events:
  poll: { enabled: true, interval: ${POLL_INTERVAL_MS / 1000}s }
environments:
${envs.join('\n')}
`;
}

/** The demo workspace plus the five channels, with every user in each. */
export function replicaWorkspace(): Workspace {
  const ws = demoWorkspace();
  const members = ws.users.map((u) => u.id);
  for (const id of CHANNELS) {
    ws.channels.push({ id, name: `deploys-${id.slice(-2)}`, botIsMember: true, members });
  }
  return ws;
}
