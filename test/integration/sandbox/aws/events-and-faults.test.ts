import { createVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetPipelineStateCommand, PipelineNotFoundException } from '@aws-sdk/client-codepipeline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AwsEvent,
  type AwsSandbox,
  type SnsNotification,
  snsStringToSign,
  startAwsSandbox,
} from '../../../../src/sandbox/aws/index.js';
import { clients, testWorld } from './support.js';

// The repository's copy of ../shared/fixtures/aws-events (test/unit/events checks they match).
const FIXTURES = new URL('../../../fixtures/aws-events/', import.meta.url);
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as AwsEvent;

/**
 * A fixture as AWS sends it. The shared stage fixtures carry `execution-trigger`, which AWS sends
 * on pipeline events only (../shared/FACTS.md, "Which states carry what"): it is left out here.
 */
function asAwsSends(name: string): AwsEvent {
  const e = fixture(name);
  if (e['detail-type'] !== 'CodePipeline Stage Execution State Change') return e;
  const { 'execution-trigger': _sentOnPipelineEventsOnly, ...detail } = e.detail;
  return { ...e, detail };
}

/** The shape of a JSON value: its keys, recursively (arrays by their first element). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
    );
  }
  return typeof v;
}

/** A local receiver standing in for the bot's /aws/events. */
async function receiver() {
  const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/aws/events`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let sandbox: AwsSandbox;
let rx: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  sandbox = await startAwsSandbox({ world: testWorld() });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await sandbox.control.reset();
  rx = await receiver();
});
afterEach(async () => {
  sandbox.control.unsubscribeAll();
  await rx.close();
});

describe('events', () => {
  it('emits pipeline, stage and action events in order, shaped like the fixtures', async () => {
    sandbox.control.subscribe(rx.url, { headers: { 'x-api-key': 'k' } });
    sandbox.control.startExecution('web-app', {
      revision: { id: 'f'.repeat(40) },
      outcome: { failAction: 'DeployToFleet' },
    });
    sandbox.control.runUntilIdle();
    await sandbox.control.flushEvents();
    const events = rx.received.map((r) => JSON.parse(r.body) as AwsEvent);
    expect(events).toEqual(sandbox.control.events());
    expect(rx.received[0]?.headers['x-api-key']).toBe('k');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const trail = events.map((e) =>
      `${e['detail-type'].split(' ')[1]} ${e.detail.stage ?? ''} ${e.detail.action ?? ''} ${e.detail.state}`.replace(
        /\s+/g,
        ' ',
      ),
    );
    expect(trail).toEqual([
      'Pipeline STARTED',
      'Stage Source STARTED',
      'Action Source Source STARTED',
      'Action Source Source SUCCEEDED',
      'Stage Source SUCCEEDED',
      'Stage Build STARTED',
      'Action Build Build STARTED',
      'Action Build Build SUCCEEDED',
      'Stage Build SUCCEEDED',
      'Stage Deploy STARTED',
      'Action Deploy DeployToFleet STARTED',
      'Action Deploy DeployToFleet FAILED',
      'Stage Deploy FAILED',
      'Pipeline FAILED',
    ]);
    const find = (type: string, state: string, extra: (e: AwsEvent) => boolean = () => true) =>
      events.find((e) => e['detail-type'] === type && e.detail.state === state && extra(e));
    const pairs: Array<[string, AwsEvent | undefined]> = [
      [
        'codepipeline-pipeline-failed.json',
        find('CodePipeline Pipeline Execution State Change', 'FAILED'),
      ],
      [
        'codepipeline-stage-failed.json',
        find('CodePipeline Stage Execution State Change', 'FAILED'),
      ],
      [
        'codepipeline-stage-succeeded.json',
        find('CodePipeline Stage Execution State Change', 'SUCCEEDED'),
      ],
      [
        'codepipeline-action-failed.json',
        find('CodePipeline Action Execution State Change', 'FAILED'),
      ],
    ];
    for (const [file, event] of pairs) expect(shape(event), file).toEqual(shape(asAwsSends(file)));
    // AWS sends `execution-trigger` on pipeline events only: a stage event never carries it.
    const stageEvents = events.filter(
      (e) => e['detail-type'] === 'CodePipeline Stage Execution State Change',
    );
    expect(stageEvents.length).toBeGreaterThan(0);
    for (const e of stageEvents) expect(e.detail).not.toHaveProperty('execution-trigger');
    expect(
      find('CodePipeline Pipeline Execution State Change', 'STARTED')?.detail['execution-trigger'],
    ).toMatchObject({ 'trigger-type': 'Webhook' });
    expect(find('CodePipeline Stage Execution State Change', 'FAILED')?.resources).toEqual([
      'arn:aws:codepipeline:us-east-1:111122223333:web-app',
    ]);
  });

  it('emits alarm and deployment events shaped like the fixtures', () => {
    sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    sandbox.control.startDeployment('billing-api', 'prod-eu', {
      region: 'eu-west-1',
      revision: { s3: { bucket: 'b', key: 'k.zip' } },
      outcome: { fail: true },
    });
    sandbox.control.advance(60_000);
    const events = sandbox.control.events();
    const metric = events.find((e) => e.detail.alarmName === 'web-prod-5xx');
    const composite = events.find((e) => e.detail.alarmName === 'prod-sev1');
    const failure = events.find((e) => e.detail.state === 'FAILURE');
    expect(shape(metric)).toEqual(shape(fixture('cloudwatch-alarm-raised.json')));
    expect(shape(composite)).toEqual(shape(fixture('cloudwatch-composite-alarm-raised.json')));
    expect(shape(failure)).toEqual(shape(fixture('codedeploy-deployment-failed.json')));
    expect(events.indexOf(metric!)).toBeLessThan(events.indexOf(composite!));
    expect(failure?.region).toBe('eu-west-1');
  });

  it('delivers duplicates and reordered batches when asked', async () => {
    sandbox.control.subscribe(rx.url, { duplicates: true, reorder: true });
    sandbox.control.startExecution('web-app', { revision: { id: 'f'.repeat(40) } });
    await sandbox.control.flushEvents();
    const ids = rx.received.map((r) => (JSON.parse(r.body) as AwsEvent).id);
    const emitted = sandbox.control.events().map((e) => e.id);
    expect(ids.length).toBe(emitted.length * 2);
    expect(new Set(ids)).toEqual(new Set(emitted));
    expect(ids[0]).toBe(emitted[emitted.length - 1]);
  });

  it('wraps events in a signed SNS envelope that verifies with the published certificate', async () => {
    const topicArn = 'arn:aws:sns:us-east-1:111122223333:rollback-bot-events';
    sandbox.control.subscribe(rx.url, { sns: { topicArn } });
    sandbox.control.setAlarmState('web-prod-5xx', 'ALARM', 'Threshold Crossed');
    await sandbox.control.flushEvents();
    const first = rx.received[0]!;
    expect(first.headers['x-amz-sns-message-type']).toBe('Notification');
    const n = JSON.parse(first.body) as SnsNotification;
    expect(n).toMatchObject({ Type: 'Notification', TopicArn: topicArn, SignatureVersion: '2' });
    expect(n.SigningCertURL).toMatch(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/.+\.pem$/);
    expect((JSON.parse(n.Message) as AwsEvent).detail.alarmName).toBe('web-prod-5xx');
    const pem = await (await fetch(`${sandbox.url}/_sandbox/sns/cert.pem`)).text();
    expect(pem).toBe(sandbox.control.snsSigningCertPem());
    const cert = new X509Certificate(pem);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const ok = createVerify('sha256').update(snsStringToSign(n)).verify(pem, n.Signature, 'base64');
    expect(ok).toBe(true);
    const tampered = createVerify('sha256')
      .update(snsStringToSign({ ...n, Message: '{}' }))
      .verify(pem, n.Signature, 'base64');
    expect(tampered).toBe(false);
  });
});

describe('faults and protocol errors', () => {
  it('throttles N times, then answers; the SDK retries', async () => {
    sandbox.control.injectFault('GetPipelineState', { throttle: 1 });
    const noRetry = clients(sandbox.url).codepipeline;
    const err = await noRetry
      .send(new GetPipelineStateCommand({ name: 'web-app' }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ThrottlingException');
    sandbox.control.injectFault('GetPipelineState', { throttle: 1 });
    const retrying = clients(sandbox.url, 'us-east-1', 3).codepipeline;
    const out = await retrying.send(new GetPipelineStateCommand({ name: 'web-app' }));
    expect(out.pipelineName).toBe('web-app');
    expect(sandbox.control.calls({ operation: 'GetPipelineState' }).map((c) => c.status)).toEqual([
      400, 400, 200,
    ]);
  });

  it('answers HTTP 500 and injected modelled errors', async () => {
    const cp = clients(sandbox.url).codepipeline;
    sandbox.control.injectFault('GetPipelineState', { http500: 1 });
    const e500 = await cp
      .send(new GetPipelineStateCommand({ name: 'web-app' }))
      .catch((e: unknown) => e);
    expect((e500 as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
    sandbox.control.injectFault('GetPipelineState', {
      error: { type: 'PipelineNotFoundException', message: 'gone' },
    });
    const modelled = await cp
      .send(new GetPipelineStateCommand({ name: 'web-app' }))
      .catch((e: unknown) => e);
    expect(modelled).toBeInstanceOf(PipelineNotFoundException);
    expect((await cp.send(new GetPipelineStateCommand({ name: 'web-app' }))).pipelineName).toBe(
      'web-app',
    );
  });

  it('names an unknown operation and rejects malformed JSON without crashing', async () => {
    const post = (target: string, body: string) =>
      fetch(sandbox.url, {
        method: 'POST',
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        body,
      });
    const unknown = await post('CodePipeline_20150709.DeletePipeline', '{}');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      __type: 'UnknownOperationException',
      message: "The sandbox does not implement codepipeline operation 'DeletePipeline'",
    });
    const bad = await post('CodePipeline_20150709.GetPipelineState', '{nope');
    expect(((await bad.json()) as { __type: string }).__type).toBe('SerializationException');
    const ok = await post('CodePipeline_20150709.GetPipelineState', '{"name":"web-app"}');
    expect(ok.status).toBe(200);
  });
});

describe('HTTP control API', () => {
  it('starts executions, advances time and lists calls over HTTP', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sandbox.url}/_sandbox/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const started = await call('POST', 'executions', {
      pipelineName: 'web-app',
      revision: { id: 'f'.repeat(40) },
    });
    expect(started.json.pipelineExecutionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call('POST', 'advance', { ms: 60_000 })).json.now).toBe(
      '2026-11-20T15:01:00.000Z',
    );
    const cp = clients(sandbox.url).codepipeline;
    await cp.send(new GetPipelineStateCommand({ name: 'web-app' }));
    const calls = await call('GET', 'calls?service=codepipeline');
    expect(calls.json.calls).toEqual([
      expect.objectContaining({
        operation: 'GetPipelineState',
        input: { name: 'web-app' },
        time: '2026-11-20T15:01:00.000Z',
      }),
    ]);
    expect(
      (await call('POST', 'executions', { pipelineName: 'nope', revision: { id: 'x' } })).status,
    ).toBe(400);
    const missing = await call('POST', 'nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toContain('GET /_sandbox/ lists them');
  });

  it('lists its routes at GET /_sandbox/', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/`);
    expect(res.status).toBe(200);
    const index = (await res.json()) as { routes: string[]; docs: string };
    expect(index.routes).toEqual(
      expect.arrayContaining([
        'POST /_sandbox/executions',
        'GET /_sandbox/calls',
        'DELETE /_sandbox/calls',
        'GET /_sandbox/sns/cert.pem',
      ]),
    );
    expect(index.docs).toContain('src/sandbox/aws/README.md');
  });
});
