// Block Kit types, re-exported from the copy Bolt ships (no second @slack/types to drift).
import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type Button = types.Button;
export type ModalView = types.ModalView;
export type PlainTextOption = types.PlainTextOption;
export type ActionsBlockElement = types.ActionsBlockElement;
