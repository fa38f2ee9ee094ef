// SPDX-License-Identifier: BSL-1.0
// Shared helpers of the node-based third-party tests (run through with_simulator.sh, which
// exports REEL_SIM_URL and REEL_NPM_DIR): loading the npm packages installed under
// $REEL_NPM_DIR, assertions, the simulator's admin endpoints, and an MP4 check.
import { createRequire } from 'node:module';
import path from 'node:path';

export const simUrl = process.env.REEL_SIM_URL;
export const npmDir = process.env.REEL_NPM_DIR;
if (!simUrl || !/^http:\/\/127\.0\.0\.1:\d+$/.test(simUrl)) throw new Error(`REEL_SIM_URL must be http://127.0.0.1:PORT, is '${simUrl}'`);

// The packages live in $REEL_NPM_DIR/node_modules, not beside this file: resolve them from there.
export const npmRequire = createRequire(path.join(path.resolve(npmDir ?? '.'), 'package.json'));

let failures = 0;
export function check(ok, what) {
  if (ok) {
    console.log(`  ok   ${what}`);
  } else {
    failures++;
    console.log(`  FAIL ${what}`);
  }
  return ok;
}
export function fail(what) {
  return check(false, what);
}
const started = Date.now();
export function step(name) {
  console.log(`- ${name} (at ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
export function finish(name) {
  if (failures > 0) {
    console.log(`${name}: ${failures} check(s) failed`);
    process.exit(1);
  }
  console.log(`${name}: all checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(0);
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// True when the bytes start like an ISO BMFF file: a box size, then 'ftyp'.
export function isMp4(bytes) {
  const b = Buffer.from(bytes);
  return b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp';
}

export async function admin(method, route, body) {
  const response = await fetch(`${simUrl}/__sim/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /__sim/${route}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
// Replaces the simulator's failure-injection / duration rules.
export const setRules = rules => admin('POST', 'rules', rules);
