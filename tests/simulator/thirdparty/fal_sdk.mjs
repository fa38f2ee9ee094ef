// SPDX-License-Identifier: BSL-1.0
// The official `@fal-ai/client` npm package (pinned in package.json), unmodified, against the
// simulator's fal queue API ($REEL_SIM_URL/fal): queue.submit, queue.status (with logs) until
// COMPLETED, queue.result (the video File on the media origin, fetched without a key, with Range),
// fal.subscribe (submit + polling + result), queue.cancel (202, then 400 ALREADY_COMPLETED as an
// ApiError), a failed request (COMPLETED with error_type; the result an ApiError with
// X-Fal-Error-Type), the start timeout (startTimeout -> X-Fal-Request-Timeout; ApiError
// isUserTimeout), and errors as the SDK's typed errors (ValidationError 422, ApiError 401/404).
//
// How the SDK reaches the simulator: the queue URL is not configurable (buildUrl in
// libs/client/src/request.ts always builds https://queue.fal.run/...), so the client's documented
// `requestMiddleware` option rewrites that origin to $REEL_SIM_URL/fal; nothing else is changed.
import { admin, check, fail, finish, isMp4, npmRequire, simUrl, sleep, step } from './common.mjs';

const { createFalClient, ApiError, ValidationError } = npmRequire('@fal-ai/client');

const queueOrigin = 'https://queue.fal.run';
const falBase = `${simUrl}/fal`;
const toSimulator = async request => {
  if (!request.url.startsWith(`${queueOrigin}/`)) throw new Error(`unexpected SDK URL ${request.url}`);
  return { ...request, url: falBase + request.url.slice(queueOrigin.length) };
};
const client = createFalClient({ credentials: 'reel-sim-key', requestMiddleware: toSimulator });
const keyless = createFalClient({ credentials: () => undefined, requestMiddleware: toSimulator });

const endpoint = 'fal-ai/kling-video/v2.1/master/text-to-video';
const app = 'fal-ai/kling-video';
const input = { prompt: 'A gondola at sunset', duration: '5', aspect_ratio: '16:9' };

async function expectError(what, call, check_error) {
  try {
    await call();
    fail(`${what}: no error`);
  } catch (error) {
    check_error(error);
  }
}

step('queue.submit');
const submitted = await client.queue.submit(endpoint, { input });
check(typeof submitted.request_id === 'string' && submitted.request_id.length > 0, `request_id '${submitted.request_id}'`);
check(submitted.status === 'IN_QUEUE', `status '${submitted.status}'`);
check(Number.isInteger(submitted.queue_position), `queue_position ${submitted.queue_position}`);
const requestBase = `${falBase}/${app}/requests/${submitted.request_id}`;
check(submitted.status_url === `${requestBase}/status`, `status_url uses owner/app only: ${submitted.status_url}`);
check(submitted.response_url === requestBase, `response_url ${submitted.response_url}`);
check(submitted.cancel_url === `${requestBase}/cancel`, `cancel_url ${submitted.cancel_url}`);

step('queue.status until COMPLETED');
const seen = new Set();
let status = submitted;
for (const end = Date.now() + 20000; status.status !== 'COMPLETED' && Date.now() < end; await sleep(100)) {
  status = await client.queue.status(endpoint, { requestId: submitted.request_id, logs: true });
  if (status.status === 'IN_PROGRESS' && !seen.has('IN_PROGRESS')) {
    check(Array.isArray(status.logs) && status.logs.length > 0, `IN_PROGRESS carries logs (${status.logs?.length})`);
    const line = status.logs?.[0] ?? {};
    check(typeof line.message === 'string' && line.source === 'USER' && typeof line.timestamp === 'string' &&
      ['STDERR', 'STDOUT', 'ERROR', 'INFO', 'WARN', 'DEBUG'].includes(line.level), `log line ${JSON.stringify(line)}`);
  }
  seen.add(status.status);
}
check(status.status === 'COMPLETED', `final status COMPLETED (seen: ${[...seen].join(', ')})`);
check(seen.has('IN_PROGRESS'), 'IN_PROGRESS was seen');
check(typeof status.metrics?.inference_time === 'number', `metrics.inference_time ${status.metrics?.inference_time}`);
const quiet = await client.queue.status(endpoint, { requestId: submitted.request_id, logs: false });
check(quiet.status === 'COMPLETED' && quiet.logs == null, `logs=0: no logs (${JSON.stringify(quiet.logs)})`);

step('queue.result');
const result = await client.queue.result(endpoint, { requestId: submitted.request_id });
check(result.requestId === submitted.request_id, `requestId from x-fal-request-id: '${result.requestId}'`);
const video = result.data?.video ?? {};
check(/^http:\/\/127\.0\.0\.1:\d+\//.test(video.url ?? '') && new URL(video.url).origin !== simUrl,
  `video.url on another loopback origin: ${video.url}`);
check(video.content_type === 'video/mp4' && typeof video.file_name === 'string', `content_type '${video.content_type}', file_name '${video.file_name}'`);
check(Number.isInteger(video.file_size) && video.file_size > 0, `file_size ${video.file_size}`);

step('the video file (no key) with and without Range');
if (video.url) {
  const whole = await fetch(video.url);
  const bytes = Buffer.from(await whole.arrayBuffer());
  check(whole.status === 200 && isMp4(bytes) && bytes.length === video.file_size, `GET video.url: HTTP ${whole.status}, ${bytes.length} bytes, an MP4`);
  const part = await fetch(video.url, { headers: { range: 'bytes=4-7' } });
  const partBytes = Buffer.from(await part.arrayBuffer());
  check(part.status === 206 && partBytes.toString('latin1') === 'ftyp', `Range bytes=4-7: HTTP ${part.status}`);
}

step('fal.subscribe (submit, poll, result)');
const updates = [];
const subscribed = await client.subscribe(endpoint, {
  input: { prompt: 'A capybara in a hot spring', duration: '10' },
  logs: true,
  pollInterval: 100,
  onQueueUpdate: update => updates.push(update.status),
});
check(typeof subscribed.data?.video?.url === 'string' && subscribed.requestId.length > 0, `subscribe result ${subscribed.requestId}`);
check(updates.at(-1) === 'COMPLETED', `queue updates ${[...new Set(updates)].join(', ')}`);

step('queue.cancel');
const running = await client.queue.submit(endpoint, { input: { prompt: 'Cancelled before it ends' } });
await client.queue.cancel(endpoint, { requestId: running.request_id });
check(true, 'cancel of a queued/running request resolved (202 CANCELLATION_REQUESTED)');
const afterCancel = await client.queue.status(endpoint, { requestId: running.request_id });
check(afterCancel.status === 'COMPLETED', `status after cancel '${afterCancel.status}' (${afterCancel.error_type})`);
await expectError('cancel of a completed request', () => client.queue.cancel(endpoint, { requestId: submitted.request_id }), error =>
  check(error instanceof ApiError && error.status === 400 && error.body?.status === 'ALREADY_COMPLETED',
    `ApiError ${error.status} ${JSON.stringify(error.body)}`));

step('a failed request (the simulator fails prompts containing [fail])');
const doomed = await client.queue.submit(endpoint, { input: { prompt: 'This one will [fail]' } });
let doomedStatus = doomed;
for (const end = Date.now() + 20000; doomedStatus.status !== 'COMPLETED' && Date.now() < end; await sleep(100)) {
  doomedStatus = await client.queue.status(endpoint, { requestId: doomed.request_id });
}
check(doomedStatus.status === 'COMPLETED' && typeof doomedStatus.error === 'string' && doomedStatus.error_type === 'internal_error',
  `COMPLETED with error '${doomedStatus.error}', error_type '${doomedStatus.error_type}'`);
await expectError('result of a failed request', () => client.queue.result(endpoint, { requestId: doomed.request_id }), error =>
  check(error instanceof ApiError && error.status === 500 && error.body?.error_type === 'internal_error' &&
    typeof error.body?.detail === 'string' && error.requestId === doomed.request_id,
    `ApiError ${error.status} ${JSON.stringify(error.body)} (request ${error.requestId})`));

step('errors');
await expectError('no prompt', () => client.queue.submit(endpoint, { input: { duration: '5' } }), error =>
  check(error instanceof ValidationError && error.status === 422 && error.getFieldErrors('prompt').length === 1 &&
    error.fieldErrors[0].type === 'missing', `${error.constructor.name} ${error.status} ${JSON.stringify(error.body)}`));
await expectError('a duration the model does not take', () => client.queue.submit(endpoint, { input: { prompt: 'p', duration: '7' } }), error =>
  check(error instanceof ValidationError && error.getFieldErrors('duration')[0]?.type === 'literal_error',
    `${error.constructor.name} ${JSON.stringify(error.body)}`));
await expectError('no key', () => keyless.queue.submit(endpoint, { input }), error =>
  check(error instanceof ApiError && error.status === 401 && typeof error.body?.detail === 'string', `ApiError ${error.status} ${JSON.stringify(error.body)}`));
await expectError('unknown request', () => client.queue.status(endpoint, { requestId: 'no-such-request' }), error =>
  check(error instanceof ApiError && error.status === 404, `ApiError ${error.status}`));

const counters = await admin('GET', 'counters');
check(counters.media_requests_with_authorization === 0, `no key on the media origin (${counters.media_requests_with_authorization})`);

step('startTimeout: a request that cannot start in time fails with a user timeout');
// One runner for the Kling endpoint and long jobs: the second request waits in the queue.
const config = await admin('GET', 'config');
config.job = { duration_ms: 60000 };
for (const m of config.models) if (m.provider === 'fal') m.capacity = 1;
await admin('POST', 'config', config);
const blocker = await client.queue.submit(endpoint, { input: { prompt: 'Holds the runner' } });
const started = await client.queue.status(endpoint, { requestId: blocker.request_id });
check(started.status === 'IN_PROGRESS', `the first request runs: ${started.status}`);
const waiting = await client.queue.submit(endpoint, { input: { prompt: 'Waits too long' }, startTimeout: 2 });
const queued = await client.queue.status(endpoint, { requestId: waiting.request_id });
check(queued.status === 'IN_QUEUE' && queued.queue_position === 0, `the second waits: ${queued.status} at ${queued.queue_position}`);
await sleep(2300);
const expired = await client.queue.status(endpoint, { requestId: waiting.request_id });
check(expired.status === 'COMPLETED' && expired.error_type === 'request_timeout', `after 2 s: ${expired.status}, ${expired.error_type}`);
await expectError('result of the timed-out request', () => client.queue.result(endpoint, { requestId: waiting.request_id }), error =>
  check(error instanceof ApiError && error.status === 504 && error.isUserTimeout && error.body?.error_type === 'request_timeout',
    `ApiError ${error.status}, isUserTimeout ${error.isUserTimeout}, ${JSON.stringify(error.body)}`));

finish('fal SDK');
