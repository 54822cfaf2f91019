// The only URLs SNS uses for signing certificates and subscription confirmation. Checked
// before anything is fetched, so a forged message cannot make the bot fetch what it names.
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const SNS_HOST = new RegExp(`^sns\\.(${REGION})\\.amazonaws\\.com(\\.cn)?$`);
const CERT_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]{1,128}\.pem$/;

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

function parse(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** The region of an https://sns.<region>.amazonaws.com(.cn) origin, or a reason it is not one. */
function snsOriginRegion(url: URL): { region: string } | { reason: string } {
  if (url.protocol !== 'https:') return { reason: 'not https' };
  if (url.username !== '' || url.password !== '') return { reason: 'has userinfo' };
  if (url.port !== '') return { reason: 'non-default port' };
  const m = SNS_HOST.exec(url.hostname);
  if (!m?.[1]) return { reason: 'not an SNS host' };
  // China regions live under amazonaws.com.cn, and only there.
  if (m[1].startsWith('cn-') !== (m[2] === '.cn')) return { reason: 'not an SNS host' };
  return { region: m[1] };
}

function checkOrigin(raw: string, expectedRegion: string): UrlCheck {
  const url = parse(raw);
  if (!url) return { ok: false, reason: 'not a URL' };
  const origin = snsOriginRegion(url);
  if ('reason' in origin) return { ok: false, reason: origin.reason };
  if (origin.region !== expectedRegion) return { ok: false, reason: 'region differs from topic' };
  return { ok: true, url };
}

/**
 * SigningCertURL as SNS issues it: https://sns.<topic region>.amazonaws.com(.cn)
 * /SimpleNotificationService-<id>.pem, nothing else (no userinfo, port, query or fragment).
 */
export function checkSigningCertUrl(raw: string, topicRegion: string): UrlCheck {
  const checked = checkOrigin(raw, topicRegion);
  if (!checked.ok) return checked;
  const { url } = checked;
  if (raw.includes('?') || raw.includes('#')) return { ok: false, reason: 'has query or fragment' };
  if (!CERT_PATH.test(url.pathname)) return { ok: false, reason: 'not an SNS certificate path' };
  return checked;
}

/**
 * SubscribeURL as SNS issues it: https://sns.<topic region>.amazonaws.com/?Action=
 * ConfirmSubscription&TopicArn=<this topic>&Token=<this token>.
 */
export function checkSubscribeUrl(
  raw: string,
  expected: { topicArn: string; region: string; token: string },
): UrlCheck {
  const checked = checkOrigin(raw, expected.region);
  if (!checked.ok) return checked;
  const { url } = checked;
  const q = url.searchParams;
  if (url.pathname !== '/' || url.hash !== '') return { ok: false, reason: 'unexpected path' };
  if (q.get('Action') !== 'ConfirmSubscription') return { ok: false, reason: 'not a confirmation' };
  if (q.get('TopicArn') !== expected.topicArn) return { ok: false, reason: 'topic differs' };
  if (q.get('Token') !== expected.token) return { ok: false, reason: 'token differs' };
  return checked;
}
