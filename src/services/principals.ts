// Who is in a list of principals (user ids and user groups): the port approvals and permissions
// ask, failing closed. Resolved through Slack by src/slack/principals.ts.
import { CodedError } from '../domain/errors.js';

/** Slack could not say who is in a user group: nobody is let in through it. */
export class PrincipalsUnavailableError extends CodedError {
  constructor(message: string) {
    super('APPROVERS_UNAVAILABLE', message);
    this.name = 'PrincipalsUnavailableError';
  }
}

export interface PrincipalResolver {
  /** True when `user` is one of `principals` (user ids or group ids). */
  includes(principals: readonly string[], user: string): Promise<boolean>;
  /** Members of the groups among `principals`, plus the user ids. */
  expand(principals: readonly string[]): Promise<Set<string>>;
}

/** The approvers' members, or 'unavailable' when a group could not be read (nobody approves). */
export async function approverMembers(
  principals: PrincipalResolver,
  approvers: readonly string[],
): Promise<ReadonlySet<string> | 'unavailable'> {
  try {
    return await principals.expand(approvers);
  } catch (err) {
    if (err instanceof PrincipalsUnavailableError) return 'unavailable';
    throw err;
  }
}
