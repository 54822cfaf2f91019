import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { normaliseEvent } from '../../../src/events/normalise.js';
import { routeEvent } from '../../../src/events/route-event.js';
import { type FixtureName, fixture } from '../../fixtures/aws-events.js';

const examplePath = path.resolve(import.meta.dirname, '../../../rollback.config.example.yml');
const config = parseConfig(readFileSync(examplePath, 'utf8'), examplePath);

function eventOf(raw: unknown) {
  const r = normaliseEvent(raw);
  if (r.kind !== 'event') throw new Error(`fixture did not normalise: ${JSON.stringify(r)}`);
  return r.event;
}
const route = (name: FixtureName, patch: (e: ReturnType<typeof fixture>) => void = () => {}) => {
  const raw = fixture(name);
  patch(raw);
  return routeEvent(config, eventOf(raw));
};

describe('routeEvent with the example config', () => {
  it.each<[FixtureName, string[]]>([
    ['codepipeline-stage-failed', ['prod-us']],
    ['codepipeline-stage-succeeded', ['prod-us']],
    ['codepipeline-action-failed', ['prod-us']],
    // A pipeline-level event concerns every environment guarding a stage of the pipeline.
    ['codepipeline-pipeline-failed', ['staging', 'prod-us']],
    ['codedeploy-deployment-failed', ['prod-eu']],
    ['cloudwatch-alarm-raised', ['prod-us']], // in prod-us alarms
    ['cloudwatch-composite-alarm-raised', ['prod-us']], // in prod-us blockOnAlarms
  ])('%s → %j', (name, envs) => {
    expect(route(name)).toEqual(envs);
  });

  it('routes a stage by its name: Deploy-Staging is staging', () => {
    expect(route('codepipeline-stage-failed', (e) => (e.detail.stage = 'Deploy-Staging'))).toEqual([
      'staging',
    ]);
  });

  it('matches nothing in another region', () => {
    expect(route('codepipeline-stage-failed', (e) => (e.region = 'eu-west-1'))).toEqual([]);
    expect(route('codedeploy-deployment-failed', (e) => (e.region = 'us-east-1'))).toEqual([]);
    expect(route('cloudwatch-alarm-raised', (e) => (e.region = 'eu-west-1'))).toEqual([]);
  });

  it('matches nothing for an unknown stage, pipeline, deployment group or alarm', () => {
    expect(route('codepipeline-stage-failed', (e) => (e.detail.stage = 'Build'))).toEqual([]);
    expect(route('codepipeline-pipeline-failed', (e) => (e.detail.pipeline = 'other'))).toEqual([]);
    expect(
      route('codedeploy-deployment-failed', (e) => (e.detail.deploymentGroup = 'prod-us')),
    ).toEqual([]);
    expect(
      route('cloudwatch-alarm-raised', (e) => {
        (e.detail as { alarmName: string }).alarmName = 'web-staging-5xx';
      }),
    ).toEqual([]);
  });

  it('requires the account of an environment that names a role', () => {
    const prodUs = config.environments['prod-us']!;
    const withRole = {
      ...config,
      environments: {
        'prod-us': { ...prodUs, roleArn: 'arn:aws:iam::999988887777:role/rollback-bot' },
      },
    };
    const event = eventOf(fixture('codepipeline-stage-failed'));
    expect(routeEvent(withRole, event)).toEqual([]);
    expect(routeEvent(withRole, { ...event, account: '999988887777' })).toEqual(['prod-us']);
  });
});
