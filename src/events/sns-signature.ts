// SNS message signatures: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over the
// canonical string of the message.
import { type KeyObject, verify } from 'node:crypto';
import { type SnsMessage, snsStringToSign } from './sns-message.js';

const HASH_BY_VERSION: Record<string, 'sha1' | 'sha256'> = { '1': 'sha1', '2': 'sha256' };

export function isSupportedSignatureVersion(version: string): boolean {
  return Object.hasOwn(HASH_BY_VERSION, version);
}

/** True only when `publicKey` signed this exact message. Never throws. */
export function verifySnsSignature(message: SnsMessage, publicKey: KeyObject): boolean {
  const hash = Object.hasOwn(HASH_BY_VERSION, message.SignatureVersion)
    ? HASH_BY_VERSION[message.SignatureVersion]
    : undefined;
  if (!hash || !/^[A-Za-z0-9+/]+={0,2}$/.test(message.Signature)) return false;
  try {
    const data = Buffer.from(snsStringToSign(message), 'utf8');
    return verify(hash, data, publicKey, Buffer.from(message.Signature, 'base64'));
  } catch {
    return false;
  }
}
