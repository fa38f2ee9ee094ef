// Plumbing of the contract test: starts `prism proxy` (@stoplight/prism-cli from $REEL_NPM_DIR)
// on an ephemeral 127.0.0.1 port in front of the simulator, sends requests through it and checks
// each answer: status, media type, that Prism did not answer by itself (application/problem+json),
// and that every entry of Prism's `sl-violations` header is covered by one of the allowlist
// entries the caller names for that exchange.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { check, npmRequire } from './common.mjs';

const prismCli = npmRequire.resolve('@stoplight/prism-cli/dist/index.js');
const running = new Set();
process.on('exit', () => running.forEach(child => child.kill('SIGKILL')));

// Starts `prism proxy SPEC UPSTREAM`. lenient: --validate-request=false, so that requests that
// break the spec on purpose (no key, missing fields) reach the simulator; answers are still checked.
export async function startPrism(name, spec, upstream, { lenient = false } = {}) {
  const args = [prismCli, 'proxy', spec, upstream, '--host', '127.0.0.1', '--port', '0', '--multiprocess', 'false',
    '--errors', 'false', '--validate-request', lenient ? 'false' : 'true'];
  const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const log = fs.createWriteStream(`prism-${name}.log`);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let seen = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism ${name} did not start in 60 s; see prism-${name}.log`)), 60000);
    child.stdout.on('data', chunk => {
      seen = (seen + chunk).slice(-4096);
      const match = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', code => reject(new Error(`prism ${name} exited (${code}); see prism-${name}.log`)));
  });
  return { name, url, stop: () => { child.kill('SIGTERM'); running.delete(child); } };
}

// Sends one request through a proxy. key: the bearer key, or null for no Authorization header.
export async function send(proxy, method, path, { key = 'reel-contract-key', body } = {}) {
  const headers = key === null ? {} : { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(proxy.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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
