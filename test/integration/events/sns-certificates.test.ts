// The signing-certificate cache: one fetch per URL, a TTL, a bound, no cached failures.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateNotValidError,
  CertificateUnavailableError,
  createSnsCertificates,
} from '../../../src/events/sns-certificates.js';
import { CERT_URL, makeSigningMaterial, type SigningMaterial } from './support/sns-test-kit.js';

let material: SigningMaterial;
beforeAll(() => {
  material = makeSigningMaterial();
});

function setup(o: { ttlMs?: number; maxEntries?: number } = {}) {
  let clock = Date.now();
  const fetched: string[] = [];
  const certs = createSnsCertificates({
    fetchCertificate: async (url) => {
      fetched.push(url.href);
      return material.certPem;
    },
    now: () => clock,
    ...o,
  });
  return { certs, fetched, advance: (ms: number) => (clock += ms) };
}

const url = (n: number) =>
  new URL(`https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${n}.pem`);

describe('createSnsCertificates', () => {
  it('fetches a URL once, including for concurrent callers', async () => {
    const { certs, fetched } = setup();
    const keys = await Promise.all([1, 2, 3].map(() => certs.publicKeyFor(new URL(CERT_URL))));
    await certs.publicKeyFor(new URL(CERT_URL));
    expect(fetched).toEqual([CERT_URL]);
    expect(keys[0]!.asymmetricKeyType).toBe('rsa');
  });

  it('fetches again after the TTL', async () => {
    const { certs, fetched, advance } = setup({ ttlMs: 1_000 });
    await certs.publicKeyFor(new URL(CERT_URL));
    advance(999);
    await certs.publicKeyFor(new URL(CERT_URL));
    expect(fetched).toHaveLength(1);
    advance(1);
    await certs.publicKeyFor(new URL(CERT_URL));
    expect(fetched).toHaveLength(2);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { certs, fetched } = setup({ maxEntries: 2 });
    await certs.publicKeyFor(url(1));
    await certs.publicKeyFor(url(2));
    await certs.publicKeyFor(url(1)); // 1 is now the most recent
    await certs.publicKeyFor(url(3)); // evicts 2
    await certs.publicKeyFor(url(1));
    expect(fetched).toEqual([url(1).href, url(2).href, url(3).href]);
    await certs.publicKeyFor(url(2));
    expect(fetched).toHaveLength(4);
  });

  it('never uses a certificate past its validity, even from the cache', async () => {
    const { certs, advance } = setup({ ttlMs: 365 * 24 * 3600_000 });
    await certs.publicKeyFor(new URL(CERT_URL));
    advance(material.validTo - Date.now() + 1_000);
    await expect(certs.publicKeyFor(new URL(CERT_URL))).rejects.toBeInstanceOf(
      CertificateNotValidError,
    );
  });

  it('reports a failed fetch or a non-certificate as unavailable, and does not cache it', async () => {
    let answer: () => Promise<string> = async () => {
      throw new Error('ECONNRESET');
    };
    const certs = createSnsCertificates({ fetchCertificate: () => answer(), now: Date.now });
    await expect(certs.publicKeyFor(new URL(CERT_URL))).rejects.toBeInstanceOf(
      CertificateUnavailableError,
    );
    answer = async () => '<html>not a certificate</html>';
    await expect(certs.publicKeyFor(new URL(CERT_URL))).rejects.toBeInstanceOf(
      CertificateUnavailableError,
    );
    answer = async () => material.certPem;
    await expect(certs.publicKeyFor(new URL(CERT_URL))).resolves.toBeDefined();
  });
});
