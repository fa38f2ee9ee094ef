// SPDX-License-Identifier: BSL-1.0
// Plumbing of the contract test: starts Prism proxies (@stoplight/prism-cli's packages from
// $REEL_NPM_DIR) on ephemeral 127.0.0.1 ports in front of the simulator, sends requests through it and checks
// each answer: status, media type, that Prism did not answer by itself (application/problem+json),
// and that every entry of Prism's `sl-violations` header is covered by one of the allowlist
// entries the caller names for that exchange.
import fs from 'node:fs';
import { check, npmRequire } from './common.mjs';

const { getHttpOperationsFromSpec } = npmRequire('@stoplight/prism-http');
const { createServer } = npmRequire('@stoplight/prism-http-server');
const { createLogger } = npmRequire('@stoplight/prism-core');
const operationsBySpec = new Map();
// The operations Prism reads from a spec file (parsed once per file).
export function operationsOf(spec) {
  if (!operationsBySpec.has(spec)) operationsBySpec.set(spec, getHttpOperationsFromSpec(spec));
  return operationsBySpec.get(spec);
}

// Starts the server `prism proxy SPEC UPSTREAM --errors=false` runs (built here as prism-cli's
// util/createServer.js builds it, in this process: the CLI needs ~5 s of CPU per proxy to start,
// this ~5 s for all four). lenient: --validate-request=false, so that requests that break the spec
// on purpose (no key, missing fields) reach the simulator; its answers are still validated.
export async function startPrism(name, spec, upstream, { lenient = false } = {}) {
  const operations = await operationsOf(spec);
  const config = {
    validateRequest: !lenient, validateResponse: true, checkSecurity: true, errors: false,
    isProxy: true, upstream: new URL(upstream), upstreamProxy: undefined, mock: { dynamic: false },
  };
  const logger = createLogger(name, { level: 'info' }, fs.createWriteStream(`prism-${name}.log`));
  const server = createServer(operations, { cors: false, config, components: { logger } });
  const url = await server.listen(0, '127.0.0.1');
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`prism ${name} listens on ${url}`);
  return { name, url, stop: () => server.close() };
}

// Sends one request through a proxy. key: the bearer key, or null for no Authorization header.
// form: fields sent as multipart/form-data instead of a JSON body.
export async function send(proxy, method, path, { key = 'reel-contract-key', body, form } = {}) {
  const headers = key === null ? {} : { authorization: `Bearer ${key}` };
  let payload;
  if (form !== undefined) {
    payload = new FormData();
    for (const [name, value] of Object.entries(form)) payload.append(name, value);
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(proxy.url + path, { method, headers, body: payload });
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  let json = null;
  if (type.endsWith('json')) {
    try { json = JSON.parse(bytes.toString('utf8')); } catch { json = undefined; }
  }
  return { status: response.status, type, headers: response.headers, json, violations: parseViolations(response.headers.get('sl-violations')) };
}

function parseViolations(header) {
  if (!header) return [];
  try {
    return JSON.parse(header);
  } catch {
    return [{ location: ['sl-violations'], severity: 'Error', message: `unparsable header: ${header.slice(0, 300)}` }];
  }
}

export const usedAllowances = new Map();

// Checks one answer; allow names entries of the allowlist that may explain violations here.
// breaks: for a request that breaks the spec on purpose (sent through a lenient proxy), a pattern
// that Prism's request-side violations may match (a lenient proxy still checks the credentials).
export function verify(what, answer, { status, type = 'application/json', allow = [], allowlist = {}, breaks }) {
  check(answer.status === status, `${what}: HTTP ${answer.status} (want ${status})`);
  check(answer.type === type, `${what}: Content-Type ${answer.type || '(none)'} (want ${type})`);
  if (type.endsWith('json')) check(answer.json != null, `${what}: body is JSON`);
  let clean = true;
  for (const violation of answer.violations) {
    const where = (violation.location ?? []).join('.');
    if (breaks && violation.location?.[0] === 'request' && breaks.test(`${where} ${violation.message}`)) {
      console.log(`       expected (the request breaks the spec on purpose): ${violation.severity} ${where} ${violation.message}`);
      continue;
    }
    const reason = allow.find(name => allowlist[name].matches(violation, answer));
    if (reason) {
      usedAllowances.set(reason, (usedAllowances.get(reason) ?? 0) + 1);
      console.log(`       allowed (${reason}): ${violation.severity} ${where} ${violation.message}`);
    } else {
      clean = false;
      console.log(`       VIOLATION: ${violation.severity} ${where} ${violation.message}`);
    }
  }
  check(clean, `${what}: no contract violations${answer.violations.length ? ' outside the allowlist' : ''}`);
  return answer;
}
