// SNS HTTPS delivery → /aws/events: signed envelopes around the fixtures, a test CA's
// certificate served by the injected fetcher, real HTTP server, real Redis.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { normaliseEvent } from '../../../src/events/normalise.js';
import { FIXTURE_NAMES, fixture, fixtureText } from '../../fixtures/aws-events.js';
import {
  direct,
  type Harness,
  type HarnessOptions,
  startIntake,
} from './support/intake-harness.js';
import {
  CERT_URL,
  confirmation,
  makeSigningMaterial,
  notification,
  OTHER_TOPIC,
  type SigningMaterial,
  signEnvelope,
  snsHeaders,
  subscribeUrl,
  TOPIC,
} from './support/sns-test-kit.js';

let material: SigningMaterial;
beforeAll(() => {
  material = makeSigningMaterial();
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function intake(o: Partial<HarnessOptions> = {}): Promise<Harness> {
  const h = await startIntake({ redisUrl: inject('redisUrl'), certPem: material.certPem, ...o });
  cleanups.push(() => h.close());
  return h;
}

const send = (h: Harness, m: Record<string, string>, headers = snsHeaders(m)) =>
  h.post(JSON.stringify(m), headers);

function expectedEvent(raw: unknown) {
  const r = normaliseEvent(raw);
  if (r.kind !== 'event') throw new Error('fixture did not normalise');
  return r.event;
}

describe('SNS notifications wrapping EventBridge events', () => {
  const cases = FIXTURE_NAMES.flatMap((name) => [
    [name, '1'],
    [name, '2'],
  ]) as Array<[(typeof FIXTURE_NAMES)[number], '1' | '2']>;

  it.each(cases)('enqueues %s (SignatureVersion %s)', async (name, version) => {
    const h = await intake();
    const m = notification(material.keyPem, { message: fixtureText(name), version });
    expect(await send(h, m)).toEqual({
      status: 200,
      body: { ok: true, outcome: 'enqueued', message: 'event enqueued' },
    });
    const event = expectedEvent(fixture(name));
    expect(await h.jobIds()).toEqual([event.id]);
    expect(await h.jobData(event.id)).toEqual(event);
    expect(h.fetched).toEqual([CERT_URL]);
  });

  it('verifies a signed Subject too', async () => {
    const h = await intake();
    const m = notification(material.keyPem, {
      message: fixtureText('codepipeline-stage-failed'),
      subject: 'Stage failed',
    });
    expect((await send(h, m)).body.outcome).toBe('enqueued');
    expect((await send(h, { ...m, MessageId: randomUUID(), Subject: 'Other' })).status).toBe(403);
  });

  it('fetches a certificate once for many messages (cached)', async () => {
    const h = await intake();
    for (const name of FIXTURE_NAMES) {
      const m = notification(material.keyPem, { message: fixtureText(name) });
      expect((await send(h, m)).status).toBe(200);
    }
    expect(h.fetched).toEqual([CERT_URL]);
    expect(await h.jobIds()).toHaveLength(FIXTURE_NAMES.length);
  });

  it('enqueues a redelivered SNS message (same MessageId) once', async () => {
    const h = await intake();
    const m = notification(material.keyPem, { message: fixtureText('codepipeline-stage-failed') });
    expect((await send(h, m)).body.outcome).toBe('enqueued');
    expect(await send(h, m)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await h.jobIds()).toHaveLength(1);
  });

  it('dedupes by MessageId even when the event inside has another id', async () => {
    const h = await intake();
    const messageId = randomUUID();
    const first = notification(material.keyPem, {
      message: fixtureText('codepipeline-stage-failed'),
      messageId,
    });
    const other = { ...fixture('codepipeline-stage-failed'), id: randomUUID() };
    const second = notification(material.keyPem, { message: JSON.stringify(other), messageId });
    expect((await send(h, first)).body.outcome).toBe('enqueued');
    expect((await send(h, second)).body.outcome).toBe('duplicate');
    expect(await h.jobIds()).toHaveLength(1);
  });

  it('enqueues an event once when it comes both directly and through SNS', async () => {
    const h = await intake();
    const raw = fixture('cloudwatch-alarm-raised');
    expect((await h.post(raw, direct())).body.outcome).toBe('enqueued');
    const m = notification(material.keyPem, { message: fixtureText('cloudwatch-alarm-raised') });
    expect((await send(h, m)).body.outcome).toBe('duplicate');
    expect(await h.jobIds()).toEqual([`aws-${raw.id}`]);
  });

  it('acknowledges an unknown detail-type or a non-JSON Message without enqueueing', async () => {
    const h = await intake();
    const unknown = { ...fixture('codepipeline-stage-failed'), 'detail-type': 'Something New' };
    const a = notification(material.keyPem, { message: JSON.stringify(unknown) });
    expect(await send(h, a)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    const b = notification(material.keyPem, { message: 'plain text alarm' });
    expect(await send(h, b)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    expect(await h.jobIds()).toEqual([]);
  });
});

describe('forged or altered SNS messages', () => {
  it('refuses a message signed by another key', async () => {
    const h = await intake();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const m = notification(keyPem, { message: fixtureText('codepipeline-stage-failed') });
    expect(await send(h, m)).toMatchObject({ status: 403, body: { outcome: 'bad_signature' } });
    expect(await h.jobIds()).toEqual([]);
  });

  it('refuses an altered Message and logs neither the signature nor the message', async () => {
    const h = await intake();
    const m = notification(material.keyPem, {
      message: fixtureText('codepipeline-stage-succeeded'),
    });
    const altered = {
      ...m,
      Message: fixtureText('codepipeline-stage-succeeded').replace('SUCCEEDED', 'FAILED'),
    };
    expect(await send(h, altered)).toMatchObject({
      status: 403,
      body: { outcome: 'bad_signature' },
    });
    expect(await h.jobIds()).toEqual([]);
    const logText = h.logs.join('');
    expect(logText).toContain('"outcome":"bad_signature"');
    expect(logText).not.toContain(m.Signature!.slice(0, 40));
    expect(logText).not.toContain('c4ca4238a0b923820dcc509a6f75849b2e1f3d4a');
  });

  it('refuses an altered TopicArn (another allowed topic)', async () => {
    const h = await intake({ snsTopics: [TOPIC, OTHER_TOPIC] });
    const m = notification(material.keyPem, { message: fixtureText('codepipeline-stage-failed') });
    const moved = { ...m, TopicArn: OTHER_TOPIC };
    expect(await send(h, moved)).toMatchObject({ status: 403, body: { outcome: 'bad_signature' } });
  });

  it.each([
    ['http', CERT_URL.replace('https:', 'http:')],
    ['a look-alike host', CERT_URL.replace('amazonaws.com', 'amazonaws.com.evil.com')],
    ['sns.amazonaws.com without a region', CERT_URL.replace('sns.us-east-1.', 'sns.')],
    ['userinfo', CERT_URL.replace('https://', 'https://attacker@')],
    [
      'a host hidden behind userinfo',
      CERT_URL.replace('amazonaws.com/', 'amazonaws.com@evil.com/'),
    ],
    ['a non-.pem path', CERT_URL.replace('.pem', '.crt')],
    ['another file', 'https://sns.us-east-1.amazonaws.com/evil.pem'],
    ['another port', CERT_URL.replace('amazonaws.com/', 'amazonaws.com:8443/')],
    ['an S3 bucket', 'https://s3.amazonaws.com/bucket/SimpleNotificationService-abc.pem'],
    ['another region than the topic', CERT_URL.replace('us-east-1', 'eu-west-1')],
  ])('refuses a SigningCertURL with %s without fetching it', async (_what, certUrl) => {
    const h = await intake();
    const m = notification(material.keyPem, {
      message: fixtureText('codepipeline-stage-failed'),
      certUrl,
    });
    expect(await send(h, m)).toMatchObject({
      status: 400,
      body: { outcome: 'untrusted_cert_url' },
    });
    expect(h.fetched).toEqual([]);
    expect(await h.jobIds()).toEqual([]);
  });

  it('refuses a topic that is not allowed, without fetching anything', async () => {
    const h = await intake();
    const m = notification(material.keyPem, {
      message: fixtureText('codepipeline-stage-failed'),
      topicArn: OTHER_TOPIC,
    });
    expect(await send(h, m)).toMatchObject({ status: 403, body: { outcome: 'topic_not_allowed' } });
    expect(h.fetched).toEqual([]);
    expect(await h.jobIds()).toEqual([]);
  });

  it('refuses a message older than an hour, or far in the future, without fetching', async () => {
    const h = await intake();
    const message = fixtureText('codepipeline-stage-failed');
    const old = notification(material.keyPem, {
      message,
      timestamp: new Date(Date.now() - 3601_000),
    });
    expect(await send(h, old)).toMatchObject({ status: 400, body: { outcome: 'stale_timestamp' } });
    const ahead = notification(material.keyPem, {
      message,
      timestamp: new Date(Date.now() + 3600_000),
    });
    expect(await send(h, ahead)).toMatchObject({
      status: 400,
      body: { outcome: 'stale_timestamp' },
    });
    expect(h.fetched).toEqual([]);
  });

  it('accepts a message 59 minutes old', async () => {
    const h = await intake();
    const m = notification(material.keyPem, {
      message: fixtureText('codepipeline-stage-failed'),
      timestamp: new Date(Date.now() - 59 * 60_000),
    });
    expect((await send(h, m)).body.outcome).toBe('enqueued');
  });

  it('refuses an unknown SignatureVersion, a header that disagrees with the body, and a non-SNS body', async () => {
    const h = await intake();
    const m = notification(material.keyPem, { message: fixtureText('codepipeline-stage-failed') });
    expect(await send(h, { ...m, SignatureVersion: '3' })).toMatchObject({
      status: 400,
      body: { outcome: 'unsupported_signature_version' },
    });
    expect(
      await send(h, m, { ...snsHeaders(m), 'x-amz-sns-message-type': 'SubscriptionConfirmation' }),
    ).toMatchObject({ status: 400, body: { outcome: 'sns_type_mismatch' } });
    expect(await h.post('{}', snsHeaders(m))).toMatchObject({
      status: 400,
      body: { outcome: 'invalid_sns_message' },
    });
    expect(await h.post('not json', snsHeaders(m))).toMatchObject({ status: 400 });
    expect(h.fetched).toEqual([]);
    expect(await h.jobIds()).toEqual([]);
  });

  it('refuses a certificate that is not valid at the time (expired)', async () => {
    const after = material.validTo + 60_000;
    const h = await intake({ now: () => after });
    const m = notification(material.keyPem, {
      message: fixtureText('codepipeline-stage-failed'),
      timestamp: new Date(after),
    });
    expect(await send(h, m)).toMatchObject({ status: 403, body: { outcome: 'cert_not_valid' } });
    expect(await h.jobIds()).toEqual([]);
  });

  it('answers 503 when the certificate cannot be fetched, and does not cache the failure', async () => {
    let fail = true;
    const h = await intake({
      fetchCertificate: async () => {
        if (fail) throw new Error('connect ETIMEDOUT');
        return material.certPem;
      },
    });
    const m = notification(material.keyPem, { message: fixtureText('codepipeline-stage-failed') });
    expect(await send(h, m)).toMatchObject({ status: 503, body: { outcome: 'cert_unavailable' } });
    fail = false;
    expect(await send(h, m)).toMatchObject({ status: 200, body: { outcome: 'enqueued' } });
    expect(h.fetched).toEqual([CERT_URL, CERT_URL]);
  });

  it('answers 503 within the answer budget when the certificate fetch hangs', async () => {
    const h = await intake({ answerWithinMs: 200, fetchCertificate: () => new Promise(() => {}) });
    const m = notification(material.keyPem, { message: fixtureText('codepipeline-stage-failed') });
    expect(await send(h, m)).toMatchObject({ status: 503, body: { outcome: 'timeout' } });
    expect(await h.jobIds()).toEqual([]);
  });
});

describe('SNS subscription confirmation', () => {
  it('confirms a subscription to an allowed topic by visiting its SubscribeURL', async () => {
    const h = await intake();
    const m = confirmation(material.keyPem);
    expect(await send(h, m)).toMatchObject({
      status: 200,
      body: { outcome: 'subscription_confirmed' },
    });
    expect(h.confirmed).toEqual([new URL(m.SubscribeURL!).href]);
    expect(await h.jobIds()).toEqual([]);
  });

  it('refuses a subscription to another topic, confirming nothing and fetching nothing', async () => {
    const h = await intake();
    const m = confirmation(material.keyPem, { topicArn: OTHER_TOPIC });
    expect(await send(h, m)).toMatchObject({ status: 403, body: { outcome: 'topic_not_allowed' } });
    expect(h.confirmed).toEqual([]);
    expect(h.fetched).toEqual([]);
  });

  it('refuses a forged confirmation (bad signature) without visiting its URL', async () => {
    const h = await intake();
    const m = confirmation(material.keyPem);
    const forged = { ...m, SubscribeURL: subscribeUrl(TOPIC, 'other-token') };
    expect(await send(h, forged)).toMatchObject({
      status: 403,
      body: { outcome: 'bad_signature' },
    });
    expect(h.confirmed).toEqual([]);
  });

  it('refuses a signed confirmation whose SubscribeURL is not SNS', async () => {
    const h = await intake();
    const token = 'abc123';
    const evil = subscribeUrl(TOPIC, token, 'https://sns.us-east-1.amazonaws.com.evil.com');
    const m = signEnvelope(
      { ...confirmation(material.keyPem, { subscribeUrl: evil }), Token: token },
      material.keyPem,
    );
    expect(await send(h, m)).toMatchObject({
      status: 400,
      body: { outcome: 'untrusted_subscribe_url' },
    });
    expect(h.confirmed).toEqual([]);
  });

  it('answers 503 when the confirmation visit fails, so SNS sends it again', async () => {
    const h = await intake({
      confirmSubscription: async () => {
        throw new Error('SNS answered HTTP 500');
      },
    });
    expect(await send(h, confirmation(material.keyPem))).toMatchObject({
      status: 503,
      body: { outcome: 'confirm_failed' },
    });
  });

  it('acknowledges an UnsubscribeConfirmation without resubscribing', async () => {
    const h = await intake();
    const m = confirmation(material.keyPem, { type: 'UnsubscribeConfirmation' });
    expect(await send(h, m)).toMatchObject({ status: 200, body: { outcome: 'unsubscribed' } });
    expect(h.confirmed).toEqual([]);
  });
});
