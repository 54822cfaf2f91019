// What Slack's listeners, and the /rollback subcommands the root registers with them, work
// with: the services behind the bot, and the one poster. Built once by the composition root.
import type { Config } from '../config/config.js';
import type { RequestState } from '../domain/request-state.js';
import type { GroupRollbacks } from '../services/groups/group-rollbacks.js';
import type { GuardrailsControl } from '../services/guardrails/guardrails-control.js';
import type { HeldDeploys } from '../services/guardrails/held-deploys.js';
import type { PrincipalResolver } from '../services/principals.js';
import type { RollbackService } from '../services/rollback-service.js';
import type { AttemptAudit } from '../store/audit-stream.js';
import type { OfferStore } from '../store/offer-store.js';
import type { StatusMessages } from '../store/status-message-store.js';
import type { ApprovalFlow } from './approval-flow.js';
import type { SlackMessage } from './blocks/block-kit.js';
import type { SlackPoster } from './poster.js';

export interface SlackServices {
  config: Config;
  service: RollbackService;
  offers: OfferStore;
  principals: PrincipalResolver;
  /** Every message the listeners post or edit (the clicked message, private answers). */
  poster: SlackPoster;
  statusMessages: StatusMessages;
  scheduleStatus: (r: { id: string; state: RequestState }) => Promise<void>;
  audit: AttemptAudit;
  now: () => number;
  /**
   * Freezes, deploy block status and approvals (absent: those commands say so); `holds`: forward
   * deploys into CodeDeploy groups held while blocked (the Stop button).
   */
  guardrails?: { control: GuardrailsControl; approvals: ApprovalFlow; holds?: HeldDeploys };
  /** Group rollbacks (absent: `/rollback <group>` says they are not available here). */
  groups?: GroupRollbacks;
  /** The App Home tab (absent: app_home_opened is not listened to). */
  home?: HomeTabPort;
}

/** What the listeners ask of the App Home tab (home-tab.ts `createHomeTab`). */
export interface HomeTabPort {
  /** Someone opened their Home tab: publish it now, and keep it up to date for a while. */
  opened(user: string): Promise<void>;
  /**
   * The answer (mrkdwn) to someone's click on their Home tab, shown at its top until they open
   * the tab again. `ifOpen`: only when they opened it lately (an answer sent elsewhere too).
   */
  answer(user: string, text: string, opts?: { ifOpen?: boolean }): Promise<void>;
}

/** Who typed a slash command, where, and how to answer them privately. */
export interface CommandCaller {
  user: string;
  channel: string;
  /** Private answer to the person who typed the command. */
  reply(msg: SlackMessage): Promise<void>;
}

/** Runs `/rollback <text>` (commands/dispatch.ts, handed in by the root). */
export type CommandRunner = (ctx: SlackServices & CommandCaller, text: string) => Promise<void>;
