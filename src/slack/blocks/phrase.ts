// A domain phrase (src/domain/phrase.ts) in mrkdwn: times in each reader's own zone, people and
// user groups as mentions, outside text inert, the rest escaped.
import { type Phrase, phraseParts } from '../../domain/phrase.js';
import { mention, slackDate } from './format.js';
import { escapeMrkdwn, inertCode } from './inert-text.js';

export function mrkdwnPhrase(p: Phrase, maxQuote = 200): string {
  return phraseParts(p)
    .map((part) => {
      if ('text' in part) return escapeMrkdwn(part.text);
      if ('time' in part) return slackDate(part.time);
      if ('who' in part) return mention(part.who);
      return inertCode(part.quote, maxQuote);
    })
    .join('');
}
