import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  certificateSerial,
  selfSignedCertificatePem,
} from '../../../../src/sandbox/aws/events/x509.js';

describe('self-signed SNS certificate', () => {
  it('makes a positive, minimal DER serial from any first random byte', () => {
    for (let first = 0; first < 256; first++) {
      const serial = certificateSerial(Buffer.from([first, 0x00, 0x7f, 0xff]));
      expect(serial[0]! & 0x80, `first byte ${first}: negative`).toBe(0);
      expect(serial[0], `first byte ${first}: leading zero`).not.toBe(0);
      expect(serial.subarray(1)).toEqual(Buffer.from([0x00, 0x7f, 0xff]));
    }
  });

  it('loads in OpenSSL and verifies with its own key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = selfSignedCertificatePem({
      commonName: 'sns.us-east-1.amazonaws.com',
      publicKey,
      privateKey,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    const cert = new X509Certificate(pem);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subject).toBe('CN=sns.us-east-1.amazonaws.com');
    expect(/^[4-7]/.test(cert.serialNumber)).toBe(true);
  });
});
