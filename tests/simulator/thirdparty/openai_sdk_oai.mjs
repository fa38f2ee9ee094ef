// SPDX-License-Identifier: BSL-1.0
// The official `openai` npm package (pinned in package.json) against the simulator's own
// OpenAI-compatible mode (baseURL $REEL_SIM_URL/oai/v1, openai-videos.yaml; not Lumenfall's
// endpoints): videos.create (multipart/form-data), retrieve polled until completed with
// openai-poll-after-ms, the spec's video object (no Lumenfall extras), downloadContent with the
// key (and refused without it), delete, a failed video; then, reconfigured through /__sim/config,
// an `api-key` auth header and Idempotency-Key honoured (same key: same video; other body: 422).
import { admin, check, fail, finish, isMp4, npmRequire, simUrl, sleep, step } from './common.mjs';

const { OpenAI, AuthenticationError, NotFoundError, UnprocessableEntityError } = npmRequire('openai');
const baseURL = `${simUrl}/oai/v1`;
const client = new OpenAI({ apiKey: 'sk-reel-simulator', baseURL, maxRetries: 0, timeout: 15000 });

async function expectError(what, call, type, status) {
  try {
    await call();
    fail(`${what}: no error`);
  } catch (error) {
    check(error instanceof type && error.status === status, `${what}: ${error.constructor.name} ${error.status}`);
    check(typeof error.error?.message === 'string' && typeof error.error?.type === 'string',
      `${what}: envelope {error:{message,type,param,code}} (code '${error.code}', type '${error.type}')`);
  }
}

async function untilDone(c, video) {
  for (const end = Date.now() + 20000; !['failed', 'completed'].includes(video.status) && Date.now() < end;) {
    const { data, response } = await c.videos.retrieve(video.id).withResponse();
    video = data;
    const after = Number(response.headers.get('openai-poll-after-ms'));
    check(Number.isFinite(after) && after > 0, `${video.status}: openai-poll-after-ms ${after}`);
    await sleep(Math.min(after, 250));
  }
  return video;
}

step('videos.create');
const created = await client.videos.create({ model: 'sora-2', prompt: 'A gondola at sunset', seconds: '4', size: '1280x720' });
check(typeof created.id === 'string' && created.id.startsWith('video_'), `id '${created.id}'`);
check(created.object === 'video' && ['queued', 'in_progress'].includes(created.status), `object '${created.object}', status '${created.status}'`);
check(created.completed_at === null && created.expires_at === null && created.error === null && created.remixed_from_video_id === null,
  'nullable members present as null');
check(!('output' in created) && !('metadata' in created), 'no Lumenfall extras (output, metadata)');

step('videos.retrieve until completed');
const video = await untilDone(client, created);
check(video.status === 'completed' && video.progress === 100, `final status '${video.status}', progress ${video.progress}`);
check(typeof video.completed_at === 'number' && typeof video.expires_at === 'number', `completed_at ${video.completed_at}, expires_at ${video.expires_at}`);
check(!('output' in video), 'no output.url: the content endpoint is the way');

step('videos.downloadContent (same origin, with the key)');
const content = Buffer.from(await (await client.videos.downloadContent(created.id)).arrayBuffer());
check(isMp4(content), `content is an MP4 (ftyp box), ${content.length} bytes`);
// A null header value makes the SDK drop its Authorization header.
await expectError('content without the key', () => client.videos.downloadContent(created.id, {}, { headers: { authorization: null } }), AuthenticationError, 401);

step('videos.delete');
const deleted = await client.videos.delete(created.id);
check(deleted.id === created.id && deleted.object === 'video.deleted' && deleted.deleted === true, `delete answer ${JSON.stringify(deleted)}`);
await expectError('deleted video', () => client.videos.retrieve(created.id), NotFoundError, 404);

step('a failed video');
const doomed = await untilDone(client, await client.videos.create({ prompt: 'This one will [fail]' }));
check(doomed.status === 'failed' && typeof doomed.error?.code === 'string' && typeof doomed.error?.message === 'string',
  `status '${doomed.status}', error ${JSON.stringify(doomed.error)}`);

step('an api-key header and Idempotency-Key honoured (POST /__sim/config)');
await admin('POST', 'config', { job: { duration_ms: 300 }, openai: { auth_header: 'api-key', auth_scheme: '', idempotency: true } });
await expectError('Authorization: Bearer only', () => client.videos.create({ prompt: 'refused' }), AuthenticationError, 401);
const gateway = new OpenAI({ apiKey: 'unused', baseURL, maxRetries: 0, timeout: 15000, defaultHeaders: { 'api-key': 'sk-reel-simulator' } });
const body = { model: 'sora-2', prompt: 'Only once', seconds: '4', size: '1280x720' };
const once = await gateway.videos.create(body, { headers: { 'Idempotency-Key': 'reel-sdk-once' } });
const twice = await gateway.videos.create(body, { headers: { 'Idempotency-Key': 'reel-sdk-once' } });
check(once.id === twice.id, `same key, same video: ${once.id} / ${twice.id}`);
await expectError('same key, another body', () => gateway.videos.create({ ...body, prompt: 'Another' }, { headers: { 'Idempotency-Key': 'reel-sdk-once' } }),
  UnprocessableEntityError, 422);
const done = await untilDone(gateway, once);
const bytes = Buffer.from(await (await gateway.videos.downloadContent(done.id)).arrayBuffer());
check(done.status === 'completed' && isMp4(bytes), `through api-key: '${done.status}', ${bytes.length} bytes of MP4`);
const counters = await admin('GET', 'counters');
check(counters.jobs_created === 1, `one video for the repeated key (jobs_created ${counters.jobs_created})`);

finish('openai SDK (/oai/v1)');
