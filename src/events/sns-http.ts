// Production HTTP calls to SNS: fetch a signing certificate, confirm a subscription.
// Callers check the URL first (sns-cert-url.ts); these re-check the scheme and never follow
// redirects, so a checked URL cannot turn into another one.
const MAX_CERT_BYTES = 16 * 1024;

export interface SnsHttpOptions {
  /** Per-request time limit. Default 2 s, well inside the 5 s answer budget. */
  timeoutMs?: number;
}

async function get(url: URL, timeoutMs: number): Promise<Response> {
  if (url.protocol !== 'https:') throw new Error('refusing a non-https SNS URL');
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`SNS answered HTTP ${res.status}`);
  }
  return res;
}

/** Fetches a PEM certificate from a checked SigningCertURL. */
export function createSnsCertificateFetcher(opts: SnsHttpOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  return async (url: URL): Promise<string> => {
    const res = await get(url, timeoutMs);
    if (Number(res.headers.get('content-length') ?? 0) > MAX_CERT_BYTES) {
      await res.body?.cancel();
      throw new Error('certificate is too large');
    }
    const body = await res.text();
    if (body.length > MAX_CERT_BYTES) throw new Error('certificate is too large');
    return body;
  };
}

/** Visits a checked SubscribeURL, which confirms the subscription. */
export function createSnsSubscriptionConfirmer(opts: SnsHttpOptions = {}) {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  return async (url: URL): Promise<void> => {
    const res = await get(url, timeoutMs);
    await res.body?.cancel();
  };
}
