// SPDX-License-Identifier: BSL-1.0
// Rules for the simulator's POST /__sim/rules, whose list replaces every rule, the default ones
// included (prompt triggers such as "[fail]" and "[reject]"): these helpers read the defaults once
// from GET /__sim/config and keep them beside the rules they add.
import { admin, setRules } from './common.mjs';

let defaults;
const withDefaults = async (...rules) => {
  defaults ??= (await admin('GET', 'config')).rules ?? [];
  return setRules([...defaults, ...rules]);
};
// The next request to `endpoint` (e.g. "venice.queue", "lumenfall.create") answers `status` with
// the provider's error body.
export const injectFault = (endpoint, status) => withDefaults({ match: { endpoint }, fault: { status }, times: 1 });
// Jobs whose prompt contains `trigger` finish at their `polls`-th status request while running
// (Lumenfall reports `queued` below 10 % progress, so the first poll of 12 still says queued).
export const finishByPolls = (trigger, polls) => withDefaults({ match: { prompt_contains: trigger }, job: { polls } });
export const restoreRules = () => withDefaults();
