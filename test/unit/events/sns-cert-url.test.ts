import { describe, expect, it } from 'vitest';
import { checkSigningCertUrl, checkSubscribeUrl } from '../../../src/events/sns-cert-url.js';

const PEM = '/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem';

describe('checkSigningCertUrl', () => {
  it.each([
    ['https://sns.us-east-1.amazonaws.com', 'us-east-1'],
    ['https://sns.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['https://sns.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['https://sns.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['https://sns.us-east-1.amazonaws.com:443', 'us-east-1'], // the default port, normalised away
  ])('accepts %s in %s', (origin, region) => {
    const r = checkSigningCertUrl(`${origin}${PEM}`, region);
    expect(r.ok).toBe(true);
  });

  it.each([
    ['http', `http://sns.us-east-1.amazonaws.com${PEM}`, 'not https'],
    ['other host', `https://sns.us-east-1.amazonaws.com.evil.com${PEM}`, 'not an SNS host'],
    ['no region', `https://sns.amazonaws.com${PEM}`, 'not an SNS host'],
    ['userinfo', `https://user@sns.us-east-1.amazonaws.com${PEM}`, 'has userinfo'],
    ['userinfo with host', `https://sns.us-east-1.amazonaws.com@evil.com${PEM}`, 'has userinfo'],
    ['port', `https://sns.us-east-1.amazonaws.com:8443${PEM}`, 'non-default port'],
    ['not .pem', 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.crt', 'path'],
    ['other file', 'https://sns.us-east-1.amazonaws.com/evil.pem', 'path'],
    ['sub path', `https://sns.us-east-1.amazonaws.com/x${PEM}`, 'path'],
    ['query', `https://sns.us-east-1.amazonaws.com${PEM}?x=1`, 'query'],
    ['fragment', `https://sns.us-east-1.amazonaws.com${PEM}#x`, 'query'],
    ['s3', `https://s3.amazonaws.com/bucket${PEM}`, 'not an SNS host'],
    ['sub domain', `https://x.sns.us-east-1.amazonaws.com${PEM}`, 'not an SNS host'],
    ['trailing dot', `https://sns.us-east-1.amazonaws.com.${PEM}`, 'not an SNS host'],
    ['.cn outside China', `https://sns.us-east-1.amazonaws.com.cn${PEM}`, 'not an SNS host'],
    ['China outside .cn', `https://sns.cn-north-1.amazonaws.com${PEM}`, 'not an SNS host'],
    ['another region', `https://sns.eu-west-1.amazonaws.com${PEM}`, 'region differs'],
    ['not a URL', 'sns.us-east-1.amazonaws.com/x.pem', 'not a URL'],
  ])('refuses %s', (_what, raw, reason) => {
    const region = raw.includes('cn-north-1') ? 'cn-north-1' : 'us-east-1';
    const r = checkSigningCertUrl(raw, region);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });
});

describe('checkSubscribeUrl', () => {
  const topicArn = 'arn:aws:sns:us-east-1:111122223333:rollback-events';
  const token = '2336412f37fb687f5d51e6e2425f004aed8eb4e8';
  const expected = { topicArn, region: 'us-east-1', token };
  const url = (origin: string, q: Record<string, string>) =>
    `${origin}/?${new URLSearchParams(q).toString()}`;
  const good = { Action: 'ConfirmSubscription', TopicArn: topicArn, Token: token };

  it('accepts the URL SNS sends', () => {
    expect(checkSubscribeUrl(url('https://sns.us-east-1.amazonaws.com', good), expected).ok).toBe(
      true,
    );
  });

  it.each([
    ['http', url('http://sns.us-east-1.amazonaws.com', good)],
    ['another host', url('https://sns.us-east-1.amazonaws.com.evil.com', good)],
    ['another region', url('https://sns.eu-west-1.amazonaws.com', good)],
    ['another action', url('https://sns.us-east-1.amazonaws.com', { ...good, Action: 'Publish' })],
    [
      'another topic',
      url('https://sns.us-east-1.amazonaws.com', { ...good, TopicArn: `${topicArn}x` }),
    ],
    ['another token', url('https://sns.us-east-1.amazonaws.com', { ...good, Token: 'x' })],
    ['a path', `https://sns.us-east-1.amazonaws.com/x?${new URLSearchParams(good)}`],
    ['userinfo', url('https://a:b@sns.us-east-1.amazonaws.com', good)],
  ])('refuses %s', (_what, raw) => {
    expect(checkSubscribeUrl(raw, expected).ok).toBe(false);
  });
});
