// The one error catalogue (src/domain/errors.ts): every error class that carries a code carries
// one from the list, and what a person is told depends on the class, never on message words.
import { describe, expect, it } from 'vitest';
import { toAwsCallError } from '../../../src/aws/aws-errors.js';
import { ConfigError } from '../../../src/config/errors.js';
import { CodedError, ERROR_CODES, isCodedError } from '../../../src/domain/errors.js';
import {
  CertificateNotValidError,
  CertificateUnavailableError,
} from '../../../src/events/sns-certificates.js';
import { PrincipalsUnavailableError } from '../../../src/services/principals.js';
import { userFacingError } from '../../../src/slack/user-facing-error.js';
import { RedisUnsuitableError } from '../../../src/store/redis.js';

const account = { region: 'us-east-1' };

describe('error catalogue', () => {
  it('gives every code a meaning', () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });

  it.each([
    ['APPROVERS_UNAVAILABLE', new PrincipalsUnavailableError('Slack could not list a group')],
    ['SNS_CERT_UNAVAILABLE', new CertificateUnavailableError('fetch failed')],
    ['SNS_CERT_NOT_VALID', new CertificateNotValidError('not valid now')],
    ['REDIS_UNSUITABLE', new RedisUnsuitableError(['version 5.0.0 is too old'])],
    [
      'AWS_THROTTLED',
      toAwsCallError(
        { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } },
        'GetPipelineState',
        { account, pipeline: 'web-app' },
      ),
    ],
  ] as const)('%s is a coded error with its code', (code, err) => {
    expect(err).toBeInstanceOf(CodedError);
    expect(isCodedError(err)).toBe(true);
    expect(err.code).toBe(code);
  });

  it('lists the configuration’s code too (config sits below domain, so it cannot extend it)', () => {
    const err = new ConfigError('rollback.config.yml', ['environments: is required']);
    expect(Object.keys(ERROR_CODES)).toContain(err.code);
    expect(isCodedError(err)).toBe(false);
  });
});

describe('userFacingError', () => {
  it('says a coded error’s own sentence', () => {
    expect(
      userFacingError(new CodedError('UNKNOWN_ENVIRONMENT', 'There is no environment "x"')),
    ).toBe('There is no environment "x"');
  });
  it('says nothing was started when Redis is out of reach', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    expect(userFacingError(refused)).toMatch(/^rollback-bot cannot reach its store \(Redis\)/);
  });
  it('does not take a coded error for an outage because of its words', () => {
    const err = new CodedError('TARGET_REFUSED', 'Connection is closed. is not a release');
    expect(userFacingError(err)).toBe('Connection is closed. is not a release');
  });
  it('summarises anything else', () => {
    expect(userFacingError(new Error('boom'))).toMatch(
      /^Something went wrong and nothing was changed: boom\./,
    );
  });
});
