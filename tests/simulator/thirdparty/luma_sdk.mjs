// SPDX-License-Identifier: BSL-1.0
// The official `lumaai` npm package (pinned in package.json), unmodified, against the simulator's
// Luma Dream Machine endpoints (its documented `baseURL` option: $REEL_SIM_URL/luma/dream-machine/v1):
// generations.create and generations.video.create (queued, the request echoed), generations.get
// polled until completed (the SDK has no wait helper), assets.video (another origin, no key) is an
// MP4, generations.list (newest first, limit/offset), generations.delete of a completed and of a
// dreaming generation (then NotFoundError, the video 404), a failed generation's failure_reason,
// the SDK's own retry of a 429 with Retry-After, and typed errors (UnprocessableEntityError 422,
// BadRequestError 400, AuthenticationError 401, NotFoundError 404) carrying Luma's `detail`.
import { admin, check, fail, finish, isMp4, npmRequire, setRules, simUrl, sleep, step } from './common.mjs';

let LumaAI;
try {
  LumaAI = npmRequire('lumaai');
} catch (error) {
  console.log(`SKIP: npm package lumaai is not installed in REEL_NPM_DIR (${error.message})`);
  process.exit(77);
}
const { AuthenticationError, BadRequestError, NotFoundError, UnprocessableEntityError } = LumaAI;
delete process.env.LUMAAI_API_KEY;  // only the key given here
delete process.env.LUMAAI_BASE_URL;
const baseURL = `${simUrl}/luma/dream-machine/v1`;
const client = new LumaAI({ authToken: 'luma-reel-simulator', baseURL });

// Only this key is accepted (the simulator takes any non-empty key by default).
const config = await admin('GET', 'config');
await admin('POST', 'config', { ...config, api_keys: ['luma-reel-simulator'] });
await setRules([
  { match: { prompt_contains: 'long' }, job: { duration_ms: 60000 } },
  { match: { prompt_contains: '[fail]' }, job: { outcome: 'fail', fail_message: 'The generation failed' } },
  { match: { endpoint: 'luma.create', prompt_contains: 'throttled' }, times: 1, fault: { status: 429, retry_after: '1' } },
]);

// Polls generations.get until the generation is completed or failed (Luma's guide polls; the SDK
// has no helper for it).
async function settle(id) {
  for (let i = 0; i < 200; i++) {
    const g = await client.generations.get(id);
    if (g.state === 'completed' || g.state === 'failed') return g;
    check(g.state === 'queued' || g.state === 'dreaming', `poll: state '${g.state}'`);
    await sleep(100);
  }
  throw new Error(`generation ${id} did not end`);
}

step('generations.create and generations.video.create');
const created = await client.generations.create({ model: 'ray-2', prompt: 'A capybara in a hot spring', duration: '5s', aspect_ratio: '16:9', resolution: '720p' });
check(typeof created.id === 'string' && created.id.length > 0, `id '${created.id}'`);
check(created.state === 'queued' && created.generation_type === 'video' && created.model === 'ray-2', `state '${created.state}', type '${created.generation_type}', model '${created.model}'`);
check(created.request?.prompt === 'A capybara in a hot spring' && created.request?.duration === '5s' && created.request?.aspect_ratio === '16:9',
  `request echoed ${JSON.stringify(created.request)}`);
check(!Number.isNaN(Date.parse(created.created_at ?? '')), `created_at '${created.created_at}'`);
check(created.assets === undefined || created.assets === null || created.assets.video === undefined, 'no video yet');
const flash = await client.generations.video.create({ model: 'ray-flash-2', prompt: 'A lighthouse at night', duration: '9s' });
check(typeof flash.id === 'string' && flash.id !== created.id && flash.model === 'ray-flash-2', `video.create id '${flash.id}'`);

step('generations.get until completed');
const [done, flashDone] = await Promise.all([settle(created.id), settle(flash.id)]);
for (const g of [done, flashDone]) {
  check(g.state === 'completed', `${g.id}: state '${g.state}'`);
  check(typeof g.assets?.video === 'string' && new URL(g.assets.video).origin !== simUrl, `assets.video on another origin: ${g.assets?.video}`);
}

step('assets.video (no key)');
for (const g of [done, flashDone]) {
  const video = await fetch(g.assets.video);
  const bytes = Buffer.from(await video.arrayBuffer());
  check(video.status === 200 && isMp4(bytes), `GET assets.video: HTTP ${video.status}, ${bytes.length} bytes, MP4`);
}
const part = await fetch(done.assets.video, { headers: { range: 'bytes=4-7' } });
check(part.status === 206 && Buffer.from(await part.arrayBuffer()).toString('latin1') === 'ftyp', `Range: HTTP ${part.status}`);

step('generations.list');
const listed = await client.generations.list();
check(Array.isArray(listed.generations) && listed.generations.length === 2, `${listed.generations?.length} generations`);
check(listed.generations?.[0]?.id === flash.id && listed.generations?.[1]?.id === created.id, 'newest first');
check(listed.generations?.[1]?.state === 'completed' && listed.generations?.[1]?.assets?.video === done.assets.video, 'the list shows the state and the video');
check(listed.count === 2 && listed.has_more === false, `count ${listed.count}, has_more ${listed.has_more}`);
const paged = await client.generations.list({ limit: 1, offset: 1 });
check(paged.generations?.length === 1 && paged.generations[0].id === created.id && paged.has_more === false, `limit 1 offset 1: ${paged.generations?.map(g => g.id)}`);
const first = await client.generations.list({ limit: 1 });
check(first.generations?.[0]?.id === flash.id && first.has_more === true, `limit 1: has_more ${first.has_more}`);

step('generations.delete of a completed generation');
const deleted = await client.generations.delete(created.id);
check(deleted === undefined || deleted === null || deleted === '', `delete answers no body (${JSON.stringify(deleted)})`);
try {
  await client.generations.get(created.id);
  fail('a deleted generation is still there');
} catch (error) {
  check(error instanceof NotFoundError && error.status === 404 && typeof error.error?.detail === 'string',
    `get after delete: ${error.constructor.name} ${error.status} ${JSON.stringify(error.error)}`);
}
const gone = await fetch(done.assets.video);
check(gone.status === 404, `the deleted generation's video: HTTP ${gone.status}`);
const remaining = await client.generations.list();
check(remaining.generations?.length === 1 && remaining.generations[0].id === flash.id, 'the list leaves it out');

step('generations.delete of a dreaming generation');
const long = await client.generations.create({ model: 'ray-2', prompt: 'A long one' });
const dreaming = await client.generations.get(long.id);
check(dreaming.state === 'queued' || dreaming.state === 'dreaming', `before delete: '${dreaming.state}'`);
await client.generations.delete(long.id);
try {
  await client.generations.get(long.id);
  fail('a deleted generation is still there');
} catch (error) {
  check(error instanceof NotFoundError, `get after delete: ${error.constructor.name} ${error.status}`);
}

step('a failed generation');
const failing = await client.generations.create({ model: 'ray-2', prompt: 'This one will [fail]' });
const failed = await settle(failing.id);
check(failed.state === 'failed' && failed.failure_reason === 'The generation failed', `state '${failed.state}', failure_reason '${failed.failure_reason}'`);

step('a 429 with Retry-After is retried by the SDK itself');
const throttled = await client.generations.create({ model: 'ray-flash-2', prompt: 'throttled once' });
check(typeof throttled.id === 'string' && throttled.state === 'queued', `created after the 429: ${throttled.id}`);

step('errors');
async function expectError(what, call, type, status) {
  try {
    await call();
    fail(`${what}: no error`);
  } catch (error) {
    check(error instanceof type && error.status === status && typeof error.error?.detail === 'string' && error.error.detail.length > 0,
      `${what}: ${error.constructor.name} ${error.status} ${JSON.stringify(error.error)}`);
  }
}
await expectError('bad duration', () => client.generations.create({ model: 'ray-2', prompt: 'p', duration: '7s' }), UnprocessableEntityError, 422);
await expectError('unknown model', () => client.generations.create({ model: 'ray-9', prompt: 'p' }), UnprocessableEntityError, 422);
await expectError('bad list limit', () => client.generations.list({ limit: 0 }), UnprocessableEntityError, 422);
await expectError('a blocked prompt', () => client.generations.create({ model: 'ray-2', prompt: 'a [blocked] one' }), BadRequestError, 400);
const noKey = new LumaAI({ authToken: '', baseURL });
await expectError('no key', () => noKey.generations.get(flash.id), AuthenticationError, 401);
const badKey = new LumaAI({ authToken: 'not-a-key', baseURL });
await expectError('bad key', () => badKey.generations.list(), AuthenticationError, 401);
await expectError('unknown generation', () => client.generations.get('does-not-exist'), NotFoundError, 404);

finish('lumaai SDK');
