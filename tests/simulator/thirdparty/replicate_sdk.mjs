// SPDX-License-Identifier: BSL-1.0
// The official `replicate` npm package (pinned in package.json), unmodified, against the
// simulator's Replicate endpoints (baseUrl $REEL_SIM_URL/replicate/v1): predictions.create on an
// official model, wait() polling urls.get until succeeded, predictions.get, the output URL (another
// origin, no key) gives an MP4, parseProgressFromLogs on the tqdm logs, run() in sync mode
// (Prefer: wait), a deployment create and a create by version id, stream() over urls.stream,
// predictions.cancel of a running prediction, the SDK's own retry of a 429 with Retry-After, a
// failed prediction, and errors surfacing as the SDK's ApiError (401, 404, 422).
import { check, fail, finish, isMp4, npmRequire, setRules, simUrl, sleep, step } from './common.mjs';

let Replicate;
try {
  Replicate = npmRequire('replicate');
} catch (error) {
  console.log(`SKIP: npm package replicate is not installed in REEL_NPM_DIR (${error.message})`);
  process.exit(77);
}
const { parseProgressFromLogs } = Replicate;
// The SDK throws its ApiError class (lib/error.js, not exported): an Error named so, with the response.
const isApiError = error => error instanceof Error && error.name === 'ApiError' && error.response !== undefined;
delete process.env.REPLICATE_API_TOKEN;  // only the token given here
const baseUrl = `${simUrl}/replicate/v1`;
const replicate = new Replicate({ auth: 'r8_reel_simulator', baseUrl, useFileOutput: false });
const model = 'google/veo-3-fast';

// Poll quickly: jobs that finish after 3 status requests; "long" prompts run a minute.
await setRules([
  { match: { prompt_contains: 'long' }, job: { duration_ms: 60000 } },
  { match: { prompt_contains: '[fail]' }, job: { outcome: 'fail', fail_message: 'CUDA out of memory' } },
  { match: { prompt_contains: 'polled' }, job: { polls: 3 } },
  { match: { endpoint: 'replicate.create', prompt_contains: 'throttled' }, times: 1, fault: { status: 429, retry_after: '1' } },
]);

step('predictions.create (official model)');
const created = await replicate.predictions.create({ model, input: { prompt: 'A heron, polled', duration: 4, resolution: '720p' } });
check(typeof created.id === 'string' && created.id.length > 0, `id '${created.id}'`);
check(created.status === 'starting', `status right after create: '${created.status}'`);
check(created.model === model && created.version === 'hidden', `model '${created.model}', version '${created.version}'`);
check(created.input?.prompt === 'A heron, polled', 'input echoed');
check(created.output === null && created.error === null && created.data_removed === false, 'output, error null; data_removed false');
check(created.urls?.get === `${baseUrl}/predictions/${created.id}`, `urls.get ${created.urls?.get}`);
check(created.urls?.cancel === `${baseUrl}/predictions/${created.id}/cancel`, `urls.cancel ${created.urls?.cancel}`);
check(typeof created.urls?.stream === 'string' && new URL(created.urls.stream).origin !== simUrl, `urls.stream on another origin: ${created.urls?.stream}`);

step('predictions.get while processing: tqdm progress in logs');
const running = await replicate.predictions.get(created.id);
check(running.status === 'processing', `status '${running.status}'`);
const progress = parseProgressFromLogs(running);
check(progress !== null && progress.percentage > 0 && progress.percentage < 1 && progress.total === 100,
  `parseProgressFromLogs: ${JSON.stringify(progress)}`);

step('wait() until succeeded');
const done = await replicate.wait(created, { interval: 100 });
check(done.status === 'succeeded', `final status '${done.status}'`);
check(typeof done.output === 'string' && new URL(done.output).origin !== simUrl, `output URL on another origin: ${done.output}`);
check(typeof done.metrics?.predict_time === 'number' && typeof done.completed_at === 'string', `metrics ${JSON.stringify(done.metrics)}, completed_at ${done.completed_at}`);
check(parseProgressFromLogs(done)?.percentage === 1, 'the last log line says 100%');
const again = await replicate.predictions.get(created.id);
check(again.status === 'succeeded' && again.output === done.output, 'predictions.get gives the same result');

step('the output URL (no key)');
const video = await fetch(done.output);
const bytes = Buffer.from(await video.arrayBuffer());
check(video.status === 200 && isMp4(bytes), `GET output: HTTP ${video.status}, ${bytes.length} bytes, MP4`);
const part = await fetch(done.output, { headers: { range: 'bytes=4-7' } });
check(part.status === 206 && Buffer.from(await part.arrayBuffer()).toString('latin1') === 'ftyp', `Range: HTTP ${part.status}`);

step('run() in sync mode (Prefer: wait) returns the output');
const output = await replicate.run(model, { input: { prompt: 'A fox at dawn', duration: 4 } });
check(typeof output === 'string' && output.endsWith('.mp4'), `run() output ${output}`);
const fetched = Buffer.from(await (await fetch(output)).arrayBuffer());
check(isMp4(fetched), 'run() output is an MP4');

step('deployments.predictions.create, then predictions.create by version id');
const deployed = await replicate.deployments.predictions.create('minimax', 'hailuo-02', { input: { prompt: 'A lighthouse, polled', duration: 6 } });
check(deployed.deployment === 'minimax/hailuo-02' && /^[0-9a-f]{64}$/.test(deployed.version ?? ''), `deployment '${deployed.deployment}', version '${deployed.version}'`);
const byVersion = await replicate.predictions.create({ version: deployed.version, input: { prompt: 'By version, polled' } });
check(byVersion.model === 'minimax/hailuo-02' && byVersion.version === deployed.version, `model '${byVersion.model}'`);
const versionDone = await replicate.wait(byVersion, { interval: 100 });
check(versionDone.status === 'succeeded', `by version: '${versionDone.status}'`);

step('stream() over urls.stream');
const events = [];
for await (const event of replicate.stream(model, { input: { prompt: 'Streamed', duration: 4 } })) {
  events.push(event);
}
const streamed = events.find(e => e.event === 'output');
check(streamed !== undefined && String(streamed.data).endsWith('.mp4'), `an output event: ${JSON.stringify(events.map(e => e.event))}`);
check(events.at(-1)?.event === 'done', 'the stream ends with done');

step('predictions.cancel of a running prediction');
const long = await replicate.predictions.create({ model, input: { prompt: 'A long one', duration: 8 } });
const cancelled = await replicate.predictions.cancel(long.id);
check(cancelled.id === long.id && cancelled.status === 'canceled', `cancel answer status '${cancelled.status}'`);
const afterCancel = await replicate.wait(long, { interval: 100 });
check(afterCancel.status === 'canceled', `wait() after cancel: '${afterCancel.status}'`);

step('a 429 with Retry-After is retried by the SDK itself');
const throttled = await replicate.predictions.create({ model, input: { prompt: 'throttled once', duration: 4 } });
check(typeof throttled.id === 'string' && throttled.status === 'starting', `created after the 429: ${throttled.id}`);

step('a failed prediction');
try {
  await replicate.run(model, { input: { prompt: 'This one will [fail]', duration: 4 }, wait: { mode: 'poll', interval: 100 } });
  fail('run() of a failed prediction did not throw');
} catch (error) {
  check(!isApiError(error) && /Prediction failed: CUDA out of memory/.test(error.message), `run() throws '${error.message}'`);
}

step('errors');
async function expectApiError(what, call, status) {
  try {
    await call();
    fail(`${what}: no error`);
  } catch (error) {
    check(isApiError(error) && error.response?.status === status, `${what}: ${error.name} ${error.response?.status}`);
    const body = error.message.slice(error.message.indexOf('{'));
    let problem = {};
    try {
      problem = JSON.parse(body.replace(/\.$/, ''));
    } catch {
      fail(`${what}: the body is not JSON: ${error.message}`);
    }
    check(problem.status === status && typeof problem.detail === 'string' && typeof problem.title === 'string',
      `${what}: problem JSON ${JSON.stringify(problem)}`);
  }
}
const anonymous = new Replicate({ auth: '', baseUrl });
await expectApiError('no token', () => anonymous.predictions.get(created.id), 401);
await expectApiError('unknown prediction', () => replicate.predictions.get('does-not-exist'), 404);
await expectApiError('invalid input', () => replicate.predictions.create({ model, input: { prompt: 'p', duration: 5 } }), 422);

// Give the simulator a moment to settle the held (sync-mode) connections before it is stopped.
await sleep(50);
finish('replicate SDK');
