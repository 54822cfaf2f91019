// The benchmark's fleet: N pipelines (three stages, three past releases, the latest failed in
// Deploy) owned by environments in M channels, as a world for the local AWS endpoint, a bot
// configuration and a local Slack workspace.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { demoWorkspace, type Workspace } from '../src/sandbox/slack/index.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '111122223333';
export const STAGE = 'Deploy';

export interface Pipeline {
  env: string;
  name: string;
  channel: string;
  /** Oldest first: succeeded, succeeded, failed in Deploy. */
  executions: { id: string; sha: string; status: 'Succeeded' | 'Failed'; start: string }[];
}

export interface Fleet {
  pipelines: Pipeline[];
  channels: string[];
}

/** A stable UUID from a seed, so a world and the events that name it agree. */
function uuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

export function makeFleet(pipelineCount: number, channelCount: number): Fleet {
  const channels = Array.from(
    { length: channelCount },
    (_, i) => `C0BENCH${String(i).padStart(3, '0')}`,
  );
  const base = Date.parse('2026-11-20T10:00:00Z');
  const pipelines = Array.from({ length: pipelineCount }, (_, i): Pipeline => {
    const name = `bench-${String(i).padStart(3, '0')}`;
    return {
      env: `p${String(i).padStart(3, '0')}`,
      name,
      channel: channels[i % channelCount]!,
      executions: (['Succeeded', 'Succeeded', 'Failed'] as const).map((status, k) => ({
        id: uuid(`${name}/${k}`),
        sha: sha(`${name}/${k}`),
        status,
        start: new Date(base + k * 3_600_000).toISOString(),
      })),
    };
  });
  return { pipelines, channels };
}

export function worldYaml(fleet: Fleet): string {
  const action = (name: string, category: string, provider: string) => ({
    name,
    category,
    provider,
  });
  return stringify({
    account: ACCOUNT,
    pipelines: fleet.pipelines.map((p) => ({
      name: p.name,
      region: REGION,
      version: 1,
      pipelineType: 'V2',
      executionMode: 'SUPERSEDED',
      repository: `acme/${p.name}`,
      branch: 'main',
      stageDuration: '50ms',
      stages: [
        { name: 'Source', actions: [action('Source', 'Source', 'CodeStarSourceConnection')] },
        { name: 'Build', actions: [action('Build', 'Build', 'CodeBuild')] },
        { name: STAGE, actions: [action('DeployToFleet', 'Deploy', 'CodeDeploy')] },
      ],
      executions: p.executions.map((e) => ({
        id: e.id,
        status: e.status,
        startTime: e.start,
        endTime: new Date(Date.parse(e.start) + 600_000).toISOString(),
        trigger: { type: 'Webhook', detail: 'arn:aws:codestar-connections:bench' },
        revision: {
          id: e.sha,
          message: `release ${e.sha.slice(0, 7)} of ${p.name}`,
          author: 'Bench Author',
          url: `https://github.com/acme/${p.name}/commit/${e.sha}`,
          actionName: 'Source',
        },
      })),
    })),
  });
}

export function configYaml(fleet: Fleet): string {
  return stringify({
    defaults: {
      timezone: 'UTC',
      region: REGION,
      approvers: ['S0APPROVERS'],
      bake: '2m',
      feed: 'quiet',
    },
    access: { admins: ['U0RELEASE'] },
    environments: Object.fromEntries(
      fleet.pipelines.map((p) => [
        p.env,
        {
          channel: p.channel,
          pipeline: p.name,
          stages: { [STAGE]: {} },
          autoRollback: 'on-failure',
        },
      ]),
    ),
  });
}

/** The demo workspace plus the fleet's channels, with the on-call engineers in every one. */
export function benchWorkspace(fleet: Fleet): Workspace {
  const ws = demoWorkspace();
  const members = ws.users.map((u) => u.id);
  for (const id of fleet.channels) {
    ws.channels.push({ id, name: `deploys-${id.slice(-3)}`, botIsMember: true, members });
  }
  return ws;
}
