import { describe, expect, it } from 'vitest';
import { sharedSecretMatches } from '../../../src/events/shared-secret.js';

describe('sharedSecretMatches', () => {
  const secret = 'a-long-shared-secret-0123456789';
  it('matches only the exact secret, whatever the lengths', () => {
    expect(sharedSecretMatches(secret, secret)).toBe(true);
    expect(sharedSecretMatches(`${secret}x`, secret)).toBe(false);
    expect(sharedSecretMatches(secret.slice(0, -1), secret)).toBe(false);
    expect(sharedSecretMatches('', secret)).toBe(false);
    expect(sharedSecretMatches(secret.toUpperCase(), secret)).toBe(false);
  });
});
