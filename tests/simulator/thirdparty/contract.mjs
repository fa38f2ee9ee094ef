// SPDX-License-Identifier: BSL-1.0
// Contract check: the simulator's Venice and Lumenfall endpoints seen through Prism proxies
// (@stoplight/prism-cli's server) that validate every request and answer against
// ../shared/specs/openapi/venice-swagger.yaml and openai-videos.yaml (the OpenAI wire format that
// Lumenfall follows). Usage: node contract.mjs SPECS_OPENAPI_DIR (inside with_simulator.sh).
// Venice: models, quote, queue (public and private model), retrieve PROCESSING / video/mp4 /
// COMPLETED, complete, delete_media_on_completion; errors 400 (schema and per model), 401, 404,
// 409 needs_consent, 422 at queue and at retrieve (both shapes), 500, 429 (rate limit), and
// injected 402, 413, 503. Lumenfall: dry run, create (JSON, multipart, idempotent, numeric
// seconds, aspect-ratio size), retrieve queued / in_progress / completed / failed, content,
// delete (also of a running job), and the error envelope for 400, 401, 404, 429. A Prism
// violation that neither ALLOWLIST (provider deviations) nor SIMULATOR_GAPS (known simulator
// bugs) explains fails the test.
import fs from 'node:fs';
import path from 'node:path';
import { check, finish, simUrl, sleep, step } from './common.mjs';
import { operationsOf, send, startPrism, usedAllowances, verify } from './prism.mjs';
import { finishByPolls, injectFault, restoreRules } from './rules.mjs';

const specDir = process.argv[2];
const veniceSpec = path.join(specDir ?? '', 'venice-swagger.yaml');
const openaiSpec = path.join(specDir ?? '', 'openai-videos.yaml');
for (const spec of [veniceSpec, openaiSpec]) {
  if (!fs.existsSync(spec)) {
    console.log(`SKIP: missing spec ${spec} (../shared/specs/openapi beside the repository)`);
    process.exit(77);
  }
}

// Every accepted deviation from the spec files, each with why it is fine. An exchange names
// the entries that may apply to it; a violation no named entry matches fails the test.
const unmatchedStatus = v => v.location?.[0] === 'response' && /Unable to match the returned status code/.test(v.message);
const ALLOWLIST = {
  // Lumenfall answers POST /openai/v1/videos with 202 Accepted; the OpenAI file lists only 200.
  lumenfallCreate202: { matches: (v, a) => a.status === 202 && unmatchedStatus(v) },
  // Lumenfall's video object adds `output` and `metadata` (lumenfall-get-video.md). VideoResource
  // does not forbid extra properties, so Prism should never flag them; kept for explicitness.
  lumenfallExtraFields: { matches: v => /additional ?properties/i.test(v.message) && /output|metadata/.test(JSON.stringify(v)) },
  // Lumenfall's `size` may be an aspect ratio such as "16:9" (lumenfall-get-video.md, specs/README.md);
  // the OpenAI file's VideoSize enum has only WxH values.
  lumenfallAspectSize: { matches: v => (v.location ?? []).join('.') === 'response.body.size' && /allowed values/.test(v.message) },
  // `?dryRun=true` is Lumenfall's cost estimate ({total_cost_micros, ...}, specs/README.md): not a
  // video object, and the OpenAI file has no such parameter.
  lumenfallDryRun: {
    matches: v => unmatchedStatus(v) || ((v.location ?? []).join('.').startsWith('response.body') &&
      /must have required property|property object must be equal to one of the allowed values/.test(v.message)),
  },
  // Lumenfall documents its error envelope {error:{message,type,code}} with 4xx statuses; the
  // OpenAI file lists no error answers at all. This script checks the envelope itself.
  lumenfallErrorStatus: { matches: (v, a) => a.status >= 400 && unmatchedStatus(v) },
  // Venice's older retrieve fragment (specs/venice-video-retrieve-openapi.md) answers 422 as
  // {error: string}; swagger.yaml as {error: {message, type, ...}}; specs/README.md: accept both.
  // The simulator sends the older shape for prompts containing "[reject-legacy]".
  venice422Legacy: { matches: (v, a) => a.status === 422 && (v.location ?? []).join('.') === 'response.body.error' && /must be object/.test(v.message) },
  // Venice documents rate limits (40/min queue, 120/min retrieve, x-ratelimit-* headers) but its
  // swagger lists no 429 answer for the video endpoints. This script checks the body is an error.
  venice429: { matches: (v, a) => a.status === 429 && unmatchedStatus(v) },
};
// Where reel-simulator itself breaks the spec: bugs to fix, not provider deviations. Each entry must
// still match a violation (the test fails once the simulator is fixed: then delete the entry).
// (None left: the simulator fixed the injected 413 without code "PAYLOAD_TOO_LARGE".)
// Entry format: name: { matches: (violation, answer) => boolean }, named in the exchange's allow list.
const SIMULATOR_GAPS = {};
const expect = (what, answer, options) => verify(what, answer, { allowlist: { ...ALLOWLIST, ...SIMULATOR_GAPS }, ...options });

const [venice, veniceLenient, openai, openaiLenient] = await Promise.all([
  startPrism('venice', veniceSpec, `${simUrl}/api/v1`),
  startPrism('venice-lenient', veniceSpec, `${simUrl}/api/v1`, { lenient: true }),
  startPrism('openai', openaiSpec, `${simUrl}/openai/v1`),
  startPrism('openai-lenient', openaiSpec, `${simUrl}/openai/v1`, { lenient: true }),
]);
console.log(`prism proxies: venice ${venice.url} (lenient ${veniceLenient.url}), openai ${openai.url} (lenient ${openaiLenient.url})`);

// ---------------------------------------------------------------- Venice
// venice-swagger.yaml leaves aspect ratios such as 16:9 unquoted (base-60 numbers in YAML 1.1).
// Prism's YAML reader keeps them strings, so the file needs no preprocessed copy; this proves it.
step('venice: Prism reads unquoted aspect ratios as strings');
const queueOperation = (await operationsOf(veniceSpec)).find(o => o.method === 'post' && o.path === '/video/queue');
const aspectRatios = queueOperation?.request?.body?.contents?.[0]?.schema?.properties?.aspect_ratio?.enum ?? [];
check(aspectRatios.includes('16:9') && aspectRatios.every(v => typeof v === 'string'), `QueueVideoRequest.aspect_ratio enum: ${JSON.stringify(aspectRatios)}`);

const publicModel = 'wan-2.5-preview-text-to-video';
const privateModel = 'grok-imagine-text-to-video-private';
const queueBody = model => ({ model, prompt: 'A gondola gliding through Venice canals at sunset', duration: model === privateModel ? '6s' : '5s', resolution: '720p', aspect_ratio: '16:9' });

step('venice: models, quote');
const models = expect('GET /models?type=video', await send(venice, 'GET', '/models?type=video'), { status: 200 });
check(models.json?.data?.some(m => m.id === publicModel) && models.json?.data?.some(m => m.id === privateModel), `models list ${publicModel} and ${privateModel}`);
expect('GET /models?type=video without a key (the spec allows it)', await send(venice, 'GET', '/models?type=video', { key: null }), { status: 200 });
const quote = expect('POST /video/quote', await send(venice, 'POST', '/video/quote', { body: { model: publicModel, duration: '10s', resolution: '1080p', aspect_ratio: '16:9' } }), { status: 200 });
check(typeof quote.json?.quote === 'number' && quote.json.quote > 0, `quote ${quote.json?.quote} USD`);

step('venice: public model, queue -> PROCESSING -> video/mp4 -> complete');
const queued = expect('POST /video/queue (public)', await send(venice, 'POST', '/video/queue', { body: queueBody(publicModel) }), { status: 200 });
const publicId = { model: publicModel, queue_id: queued.json?.queue_id };
check(queued.json?.download_url === undefined, 'no download_url for a public model');
check(/^\d+$/.test(queued.headers.get('x-ratelimit-remaining-requests') ?? ''), `x-ratelimit-remaining-requests ${queued.headers.get('x-ratelimit-remaining-requests')}`);
async function pollVenice(id, what) {
  let processing = 0;
  for (let i = 0; i < 200; i++) {
    const answer = await send(venice, 'POST', '/video/retrieve', { body: id });
    if (answer.json?.status !== 'PROCESSING') return { answer, processing };
    if (processing++ === 0) expect(`retrieve ${what} PROCESSING`, answer, { status: 200 });
    else if (answer.violations.length) expect(`retrieve ${what} PROCESSING (poll ${processing})`, answer, { status: 200 });
    await sleep(100);
  }
  throw new Error(`${what} never finished`);
}
const done = await pollVenice(publicId, 'public');
check(done.processing > 0, `saw PROCESSING ${done.processing} times`);
expect('retrieve public video', done.answer, { status: 200, type: 'video/mp4' });
const completed = expect('POST /video/complete (public)', await send(venice, 'POST', '/video/complete', { body: publicId }), { status: 200 });
check(completed.json?.success === true, 'complete: success true');
expect('retrieve after complete (404)', await send(venice, 'POST', '/video/retrieve', { body: publicId }), { status: 404 });

const autoDelete = await send(venice, 'POST', '/video/queue', { body: queueBody(publicModel) });
const autoDeleteId = { model: publicModel, queue_id: autoDelete.json?.queue_id };
const autoDeleted = await pollVenice({ ...autoDeleteId, delete_media_on_completion: true }, 'delete_media_on_completion');
expect('retrieve video with delete_media_on_completion', autoDeleted.answer, { status: 200, type: 'video/mp4' });
expect('retrieve after delete_media_on_completion (404)', await send(venice, 'POST', '/video/retrieve', { body: autoDeleteId }), { status: 404 });

step('venice: private model, queue (download_url) -> COMPLETED -> complete');
const privateQueued = expect('POST /video/queue (private)', await send(venice, 'POST', '/video/queue', { body: queueBody(privateModel) }), { status: 200 });
check(/^http:\/\/127\.0\.0\.1:\d+\//.test(privateQueued.json?.download_url ?? ''), `download_url ${privateQueued.json?.download_url}`);
const privateId = { model: privateModel, queue_id: privateQueued.json?.queue_id };
const privateDone = await pollVenice(privateId, 'private');
expect('retrieve private COMPLETED', privateDone.answer, { status: 200 });
check(privateDone.answer.json?.status === 'COMPLETED', `status ${privateDone.answer.json?.status}`);
expect('POST /video/complete (private)', await send(venice, 'POST', '/video/complete', { body: privateId }), { status: 200 });

step('venice: errors');
const noKey = expect('queue without a key (401)', await send(veniceLenient, 'POST', '/video/queue', { key: null, body: queueBody(publicModel) }), { status: 401, breaks: /security/ });
check(typeof noKey.json?.error === 'string', `401 StandardError: ${JSON.stringify(noKey.json)}`);
const invalid = expect('queue without prompt and duration (400)', await send(veniceLenient, 'POST', '/video/queue', { body: { model: publicModel } }), { status: 400 });
check(typeof invalid.json?.error === 'string' && typeof invalid.json?.details === 'object', `400 DetailedError: ${JSON.stringify(invalid.json)}`);
const badDuration = expect('quote with a duration the model lacks (400)', await send(venice, 'POST', '/video/quote', { body: { model: publicModel, duration: '30s' } }), { status: 400 });
check(typeof badDuration.json?.error === 'string', `400 DetailedError: ${JSON.stringify(badDuration.json)}`);
expect('retrieve of an unknown queue_id (404)', await send(venice, 'POST', '/video/retrieve', { body: { model: publicModel, queue_id: '00000000-0000-4000-8000-000000000000' } }), { status: 404 });
// needs_consent is tied to face-bearing media (face_media_roles): an image on a consent model.
const consent = expect('queue of face media on a model that needs consent (409)', await send(venice, 'POST', '/video/queue', { body: { ...queueBody('seedance-2-0-reference-to-video'), image_url: 'data:image/png;base64,AA==' } }), { status: 409 });
check(consent.json?.error?.code === 'needs_consent', `409 needs_consent: ${JSON.stringify(consent.json?.error)}`);
// The simulator refuses prompts with "[blocked]" at queue time, and rejects "[reject]" / fails "[fail]" jobs.
const blocked = expect('queue of a blocked prompt (422)', await send(venice, 'POST', '/video/queue', { body: { ...queueBody(publicModel), prompt: 'A [blocked] scene' } }), { status: 422 });
check(typeof blocked.json?.error === 'string', `422 ContentViolationError: ${JSON.stringify(blocked.json)}`);
for (const [trigger, status, allow] of [['[reject]', 422, []], ['[reject-legacy]', 422, ['venice422Legacy']], ['[fail]', 500, []]]) {
  const job = await send(venice, 'POST', '/video/queue', { body: { ...queueBody(publicModel), prompt: `A ${trigger} scene` } });
  const end = await pollVenice({ model: publicModel, queue_id: job.json?.queue_id }, trigger);
  expect(`retrieve of a ${trigger} job (${status})`, end.answer, { status, allow });
  if (trigger === '[reject]') check(end.answer.json?.error?.type === 'provider_content_policy', `422 ProviderContentPolicyError: ${JSON.stringify(end.answer.json)}`);
  if (trigger === '[reject-legacy]') check(typeof end.answer.json?.error === 'string', `422 older shape: ${JSON.stringify(end.answer.json)}`);
}
// Venice allows 40 queue requests a minute per key: the 41st answers 429.
const burst = { key: 'reel-contract-burst', body: queueBody(publicModel) };
for (let i = 0; i < 40; i++) await fetch(`${simUrl}/api/v1/video/queue`, { method: 'POST', headers: { authorization: `Bearer ${burst.key}`, 'content-type': 'application/json' }, body: JSON.stringify(burst.body) });
const limited = expect('queue over the rate limit (429)', await send(venice, 'POST', '/video/queue', burst), { status: 429, allow: ['venice429'] });
check(typeof limited.json?.error === 'string' && limited.headers.get('x-ratelimit-remaining-requests') === '0', `429 ${JSON.stringify(limited.json)}, remaining ${limited.headers.get('x-ratelimit-remaining-requests')}`);
for (const [endpoint, status, path, body, gaps] of [
  ['venice.queue', 402, '/video/queue', queueBody(publicModel), []],
  ['venice.queue', 413, '/video/queue', queueBody(publicModel), []],
  ['venice.retrieve', 503, '/video/retrieve', { model: publicModel, queue_id: (await send(venice, 'POST', '/video/queue', { body: queueBody(publicModel) })).json?.queue_id }, []],
]) {
  await injectFault(endpoint, status);
  expect(`injected ${status} on ${path}`, await send(venice, 'POST', path, { body }), { status, allow: gaps });
}
await restoreRules();

// ---------------------------------------------------------------- Lumenfall
const videoBody = { model: 'sora-2', prompt: 'A capybara lounging in a hot spring', seconds: '4', size: '1280x720' };
const errorEnvelope = (what, answer) =>
  check(['message', 'type', 'code'].every(k => typeof answer.json?.error?.[k] === 'string'), `${what}: envelope ${JSON.stringify(answer.json)}`);

step('lumenfall: dry run, create, retrieve in each status, content, delete');
const dry = expect('POST /videos?dryRun=true', await send(openai, 'POST', '/videos?dryRun=true', { body: videoBody }), { status: 200, allow: ['lumenfallDryRun'] });
check(Number.isInteger(dry.json?.total_cost_micros), `total_cost_micros ${dry.json?.total_cost_micros}`);
await finishByPolls('[by polls]', 12); // a deterministic queued -> in_progress -> completed
const created = expect('POST /videos', await send(openai, 'POST', '/videos', { body: { ...videoBody, prompt: 'A capybara [by polls]' } }), { status: 202, allow: ['lumenfallCreate202', 'lumenfallExtraFields'] });
// Prism validates no body for a status its file lacks (202): the GETs below validate the same object.
const id = created.json?.id;
const statuses = new Set();
for (let i = 0; i < 300 && !statuses.has('completed'); i++) {
  const answer = await send(openai, 'GET', `/videos/${id}`);
  if (!statuses.has(answer.json?.status)) expect(`GET /videos/{id} ${answer.json?.status}`, answer, { status: 200, allow: ['lumenfallExtraFields'] });
  statuses.add(answer.json?.status);
  if (i === 0) check(/^\d+$/.test(answer.headers.get('openai-poll-after-ms') ?? ''), `openai-poll-after-ms ${answer.headers.get('openai-poll-after-ms')}`);
  if (i === 0) check(['model', 'prompt', 'seconds', 'size'].every(k => answer.json?.[k] === created.json?.[k]), 'GET answers the object POST created');
  if (answer.json?.status === 'completed') check(answer.json?.output?.content_type === 'video/mp4', 'completed: output.content_type video/mp4');
}
check(['queued', 'in_progress', 'completed'].every(s => statuses.has(s)), `statuses seen: ${[...statuses].join(', ')}`);
await restoreRules();
expect('GET /videos/{id}/content', await send(openai, 'GET', `/videos/${id}/content`), { status: 200, type: 'video/mp4' });
const deleted = expect('DELETE /videos/{id}', await send(openai, 'DELETE', `/videos/${id}`), { status: 200 });
check(deleted.json?.deleted === true && deleted.json?.id === id, `deleted ${JSON.stringify(deleted.json)}`);

step('lumenfall: a failed job, cancelling a running job, aspect-ratio size');
const doomed = await send(openai, 'POST', '/videos', { body: { ...videoBody, prompt: 'This one will [fail]' } });
let failed;
for (let i = 0; i < 300 && !['failed', 'completed'].includes(failed?.json?.status); i++, await sleep(50)) failed = await send(openai, 'GET', `/videos/${doomed.json?.id}`);
expect('GET /videos/{id} failed', failed, { status: 200, allow: ['lumenfallExtraFields'] });
check(failed.json?.status === 'failed' && typeof failed.json?.error?.code === 'string', `failed job error ${JSON.stringify(failed.json?.error)}`);
const keyed = { ...videoBody, idempotency_key: 'reel-contract-once' };
const first = expect('POST /videos with an idempotency_key', await send(openai, 'POST', '/videos', { body: keyed }), { status: 202, allow: ['lumenfallCreate202'] });
const again = expect('POST /videos repeating the idempotency_key (200, the same video)', await send(openai, 'POST', '/videos', { body: keyed }), { status: 200 });
check(first.json?.id !== undefined && again.json?.id === first.json?.id, `repeated key: ${first.json?.id} / ${again.json?.id}`);
const multipart = expect('POST /videos as multipart/form-data', await send(openai, 'POST', '/videos', { form: videoBody }), { status: 202, allow: ['lumenfallCreate202'] });
check(multipart.json?.prompt === videoBody.prompt && multipart.json?.seconds === '4', `multipart create: prompt '${multipart.json?.prompt}', seconds '${multipart.json?.seconds}'`);
const runningJob = await send(openai, 'POST', '/videos', { body: videoBody });
const cancelled = expect('DELETE /videos/{id} of a running job', await send(openai, 'DELETE', `/videos/${runningJob.json?.id}`), { status: 200 });
check(cancelled.json?.deleted === true, `cancel answer ${JSON.stringify(cancelled.json)}`);
const aspect = expect('POST /videos with size 16:9', await send(openaiLenient, 'POST', '/videos', { body: { ...videoBody, size: '16:9' } }),
  { status: 202, allow: ['lumenfallCreate202', 'lumenfallAspectSize', 'lumenfallExtraFields'] });
check(aspect.json?.size === '16:9', `size echoed as '${aspect.json?.size}'`);
expect('GET /videos/{id} with size 16:9', await send(openai, 'GET', `/videos/${aspect.json?.id}`), { status: 200, allow: ['lumenfallAspectSize', 'lumenfallExtraFields'] });

// Lumenfall takes `seconds` as a number too (specs/README.md); the OpenAI file wants a string, so
// this request goes through the lenient proxy, and the answer (seconds "8") through the strict one.
const numeric = await send(openaiLenient, 'POST', '/videos', { body: { ...videoBody, seconds: 8 } });
check(numeric.status === 202 && numeric.json?.seconds === '8', `seconds 8 (a number) created as '${numeric.json?.seconds}'`);
expect('GET /videos/{id} created with numeric seconds', await send(openai, 'GET', `/videos/${numeric.json?.id}`), { status: 200 });

step('lumenfall: error envelope');
const runningJob2 = await send(openai, 'POST', '/videos', { body: videoBody });
const allowError = { allow: ['lumenfallErrorStatus'] };
errorEnvelope('401', expect('GET /videos/{id} without a key (401)', await send(openaiLenient, 'GET', `/videos/${id}`, { key: null }), { status: 401, breaks: /security/, ...allowError }));
errorEnvelope('404', expect('GET /videos/{unknown} (404)', await send(openai, 'GET', '/videos/video_does_not_exist'), { status: 404, ...allowError }));
errorEnvelope('400', expect('POST /videos with a blocked prompt (400)', await send(openai, 'POST', '/videos', { body: { ...videoBody, prompt: 'A [blocked] scene' } }), { status: 400, ...allowError }));
errorEnvelope('404', expect('POST /videos with an unknown model (404)', await send(openai, 'POST', '/videos', { body: { ...videoBody, model: 'no-such-model' } }), { status: 404, ...allowError }));
errorEnvelope('404', expect('GET /videos/{id}/content before it is ready (404)', await send(openai, 'GET', `/videos/${runningJob2.json?.id}/content`), { status: 404, ...allowError }));
await injectFault('lumenfall.create', 429);
const limitedCreate = expect('injected 429 on POST /videos', await send(openai, 'POST', '/videos', { body: videoBody }), { status: 429, ...allowError });
errorEnvelope('429', limitedCreate);
check(limitedCreate.json?.error?.code === 'RATE_LIMITED', `429 code ${limitedCreate.json?.error?.code}`);
await restoreRules();
errorEnvelope('400', expect('POST /videos without prompt (400)', await send(openaiLenient, 'POST', '/videos', { body: { model: 'sora-2' } }), { status: 400, breaks: /prompt/, ...allowError }));

for (const proxy of [venice, veniceLenient, openai, openaiLenient]) proxy.stop();
for (const gap of Object.keys(SIMULATOR_GAPS)) check(usedAllowances.has(gap), `simulator gap ${gap} still present (else remove it from SIMULATOR_GAPS)`);
console.log(`allowlist entries used: ${[...usedAllowances].map(([k, n]) => `${k} x${n}`).join(', ') || 'none'}`);
finish('contract');
