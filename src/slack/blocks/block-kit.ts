// Block Kit types, re-exported from the copy Bolt ships (no second @slack/types to drift), and
// the one shape every builder in this folder returns.
import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type Button = types.Button;
export type ModalView = types.ModalView;
export type PlainTextOption = types.PlainTextOption;
export type ActionsBlockElement = types.ActionsBlockElement;
/** Slack message metadata: how an app marks what a message is about. */
export type MessageMetadata = types.MessageMetadata;

/** A message: `text` for notifications and screen readers, `blocks` for what is shown. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}
