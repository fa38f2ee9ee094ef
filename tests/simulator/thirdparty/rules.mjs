// Rules for the simulator's POST /__sim/rules, whose list replaces every rule, the default ones
// included: these helpers keep the simulator's two default prompt rules ("[fail]" fails a job,
// "[reject]" ends it with a content-policy rejection) beside the rules they add.
import { setRules } from './common.mjs';

const DEFAULT_RULES = [
  { match: { prompt_contains: '[fail]' }, job: { outcome: 'fail' } },
  { match: { prompt_contains: '[reject]' }, job: { outcome: 'content_policy' } },
];
// The next request to `endpoint` (e.g. "venice.queue", "lumenfall.create") answers `status` with
// the provider's error body.
export const injectFault = (endpoint, status) =>
  setRules([...DEFAULT_RULES, { match: { endpoint }, fault: { status }, times: 1 }]);
// Jobs whose prompt contains `trigger` finish at their `polls`-th status request while running
// (Lumenfall reports `queued` below 10 % progress, so the first poll of 12 still says queued).
export const finishByPolls = (trigger, polls) =>
  setRules([...DEFAULT_RULES, { match: { prompt_contains: trigger }, job: { polls } }]);
export const restoreRules = () => setRules(DEFAULT_RULES);
