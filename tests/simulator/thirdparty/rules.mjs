// Failure injection through the simulator's POST /__sim/rules (the rule list replaces the current
// one): the few rules the third-party tests need, written in the simulator's rule format.
import { setRules } from './common.mjs';

const bodies = {
  422: { error: 'Your prompt violates the content policy' },
  429: { error: 'Rate limit exceeded' },
};
// injectFailure('venice', 'queue', 422 | 429): the next Venice queue answers with that status.
// injectFailure('lumenfall', 'job', 'failed'): the next Lumenfall job ends with status failed.
export async function injectFailure(api, op, what) {
  if (api === 'venice') await setRules([{ api, op: `video/${op}`, status: what, body: bodies[what], count: 1 }]);
  else await setRules([{ api, op: 'create', fail: true, count: 1 }]);
}
export const clearRules = () => setRules([]);
