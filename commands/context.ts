// What a subcommand handler gets: the services, who asked and where, and a private reply.
import type { Config } from '../src/config/config.js';
import type { GroupRollbacks } from '../src/groups/group-rollbacks.js';
import type { GuardrailsControl } from '../src/guardrails/guardrails-control.js';
import type { HeldDeploys } from '../src/guardrails/held-deploys.js';
import type { RollbackService } from '../src/services/rollback-service.js';
import type { ApprovalFlow } from '../src/slack/approval-flow.js';
import type { AttemptAudit } from '../src/slack/attempt-audit.js';
import type { SlackMessage } from '../src/slack/blocks/help-message.js';
import type { PrincipalResolver } from '../src/slack/principals.js';
import type { StatusMessages } from '../src/slack/status-messages.js';
import type { OfferStore } from '../src/store/offer-store.js';

export interface SlackServices {
  config: Config;
  service: RollbackService;
  offers: OfferStore;
  principals: PrincipalResolver;
  statusMessages: StatusMessages;
  scheduleStatus: (r: {
    id: string;
    state: import('../src/domain/request-state.js').RequestState;
  }) => Promise<void>;
  audit: AttemptAudit;
  now: () => number;
  /**
   * Freezes, deploy block status and approvals (absent: those commands say so); `holds`: forward
   * deploys into CodeDeploy groups held while blocked (the Stop button).
   */
  guardrails?: { control: GuardrailsControl; approvals: ApprovalFlow; holds?: HeldDeploys };
  /** Group rollbacks (absent: `/rollback <group>` says they are not available here). */
  groups?: GroupRollbacks;
}

export interface CommandContext extends SlackServices {
  user: string;
  channel: string;
  /** Private answer to the person who typed the command. */
  reply(msg: SlackMessage): Promise<void>;
}

export function text(message: string): SlackMessage {
  return { text: message, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: message } }] };
}
