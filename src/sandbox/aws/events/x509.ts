// A minimal self-signed X.509 v3 certificate in DER, so the bot's SNS verification can load a
// real certificate without openssl. Only what a verifier needs: subject, validity, key.
import { createSign, type KeyObject, randomBytes } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const SHA256_WITH_RSA = seq(
  Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
  Buffer.from([0x05, 0x00]),
);
const COMMON_NAME_OID = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);

function utcTime(d: Date): Buffer {
  const iso = d.toISOString(); // 2026-11-20T14:03:28.000Z
  const s = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

function name(commonName: string): Buffer {
  return seq(set(seq(COMMON_NAME_OID, tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

/**
 * A DER INTEGER body for a serial number from random bytes. DER wants it positive (top bit of the
 * first byte clear) and minimal (no leading 0x00 before a byte below 0x80), or OpenSSL refuses
 * the certificate with "illegal padding"; a first byte in 0x40..0x7f is both.
 */
export function certificateSerial(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = 0x40 | (serial[0]! & 0x3f);
  return serial;
}

export function selfSignedCertificatePem(opts: {
  commonName: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}): string {
  const serial = certificateSerial(randomBytes(8));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))),
    tlv(0x02, serial),
    SHA256_WITH_RSA,
    name(opts.commonName),
    seq(utcTime(opts.notBefore), utcTime(opts.notAfter)),
    name(opts.commonName),
    opts.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = createSign('sha256').update(tbs).sign(opts.privateKey);
  const der = seq(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}
