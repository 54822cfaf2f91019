// SNS signing certificates by URL: fetched once, kept for a while, bounded in number.
// The URL has been checked (sns-cert-url.ts) before it gets here.
import { type KeyObject, X509Certificate } from 'node:crypto';
import { CodedError } from '../domain/errors.js';

export type FetchCertificate = (url: URL) => Promise<string>;

export interface SnsCertificateOptions {
  fetchCertificate: FetchCertificate;
  now: () => number;
  /** How long a fetched certificate is trusted before fetching again. Default 6 h. */
  ttlMs?: number;
  /** Most certificates kept; the least recently used goes first. Default 16. */
  maxEntries?: number;
}

/** The certificate could not be fetched or read: transient from our side, so AWS should retry. */
export class CertificateUnavailableError extends CodedError {
  constructor(message: string) {
    super('SNS_CERT_UNAVAILABLE', message);
    this.name = 'CertificateUnavailableError';
  }
}
/** The certificate is readable but not valid now. */
export class CertificateNotValidError extends CodedError {
  constructor(message: string) {
    super('SNS_CERT_NOT_VALID', message);
    this.name = 'CertificateNotValidError';
  }
}

interface Entry {
  key: KeyObject;
  expiresAt: number;
}

export interface SnsCertificates {
  publicKeyFor(url: URL): Promise<KeyObject>;
}

function readCertificate(pem: string, now: number): { key: KeyObject; validTo: number } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new CertificateUnavailableError('signing certificate is not a certificate');
  }
  const validFrom = Date.parse(cert.validFrom);
  const validTo = Date.parse(cert.validTo);
  if (!(validFrom <= now && now < validTo)) {
    throw new CertificateNotValidError('signing certificate is not valid now');
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw new CertificateNotValidError('signing certificate does not hold an RSA key');
  }
  return { key: cert.publicKey, validTo };
}

export function createSnsCertificates(opts: SnsCertificateOptions): SnsCertificates {
  const ttlMs = opts.ttlMs ?? 6 * 3600_000;
  const maxEntries = opts.maxEntries ?? 16;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<string>>();

  function remember(href: string, entry: Entry) {
    cache.delete(href);
    cache.set(href, entry);
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  }

  async function fetchOnce(url: URL): Promise<string> {
    const pending = inFlight.get(url.href);
    if (pending) return pending;
    const p = opts.fetchCertificate(url).finally(() => inFlight.delete(url.href));
    inFlight.set(url.href, p);
    return p;
  }

  return {
    async publicKeyFor(url) {
      const now = opts.now();
      const hit = cache.get(url.href);
      if (hit && hit.expiresAt > now) {
        remember(url.href, hit);
        return hit.key;
      }
      cache.delete(url.href);
      let pem: string;
      try {
        pem = await fetchOnce(url);
      } catch (err) {
        throw new CertificateUnavailableError(
          `signing certificate fetch failed: ${(err as Error).message}`,
        );
      }
      const { key, validTo } = readCertificate(pem, now);
      remember(url.href, { key, expiresAt: Math.min(now + ttlMs, validTo) });
      return key;
    },
  };
}
