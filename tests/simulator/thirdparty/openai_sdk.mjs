// SPDX-License-Identifier: BSL-1.0
// The official `openai` npm package (pinned in package.json) against the simulator's
// Lumenfall-compatible endpoints (baseURL $REEL_SIM_URL/openai/v1): videos.create (the SDK sends
// multipart/form-data), retrieve polled until completed (honouring openai-poll-after-ms), the
// Lumenfall extras output{url,content_type,size_bytes} / metadata{cost_estimate|cost} / expires_at,
// downloadContent and output.url (another origin, with a Range request) give an MP4, delete;
// cancelling a running job; idempotency_key; a failed job; and errors surfacing as the SDK's typed errors (401, 404).
import { check, fail, finish, isMp4, npmRequire, simUrl, sleep, step } from './common.mjs';

const { OpenAI, AuthenticationError, NotFoundError } = npmRequire('openai');
const baseURL = `${simUrl}/openai/v1`;
const client = new OpenAI({ apiKey: 'sk-reel-simulator', baseURL, maxRetries: 0, timeout: 15000 });
const nowSeconds = () => Math.floor(Date.now() / 1000);

step('videos.create');
const created = await client.videos.create({ model: 'sora-2', prompt: 'A gondola at sunset', seconds: '4', size: '1280x720' });
check(typeof created.id === 'string' && created.id.length > 0, `id '${created.id}'`);
check(created.object === 'video', `object '${created.object}'`);
check(['queued', 'in_progress'].includes(created.status), `status right after create is queued/in_progress: '${created.status}'`);
check(created.seconds === '4' && created.size === '1280x720', `seconds '${created.seconds}', size '${created.size}'`);

step('videos.retrieve until completed');
const seen = new Set();
let video = created;
const deadline = Date.now() + 20000;
while (video.status !== 'completed' && video.status !== 'failed' && Date.now() < deadline) {
  const { data, response } = await client.videos.retrieve(created.id).withResponse();
  video = data;
  if (!seen.has(video.status) && (video.status === 'queued' || video.status === 'in_progress')) {
    check(typeof video.metadata?.cost_estimate === 'number', `${video.status}: metadata.cost_estimate ${video.metadata?.cost_estimate}`);
    check(video.output == null && video.completed_at == null, `${video.status}: no output, completed_at null`);
  }
  seen.add(video.status);
  const after = Number(response.headers.get('openai-poll-after-ms'));
  await sleep(Math.min(Number.isFinite(after) && after > 0 ? after : 100, 250));
}
check(video.status === 'completed', `final status completed (seen: ${[...seen].join(', ')})`);
check(typeof video.completed_at === 'number' && video.completed_at >= video.created_at, `completed_at ${video.completed_at} >= created_at ${video.created_at}`);
check(typeof video.expires_at === 'number' && video.expires_at > nowSeconds(), `expires_at ${video.expires_at} is in the future`);
const output = video.output ?? {};
check(/^http:\/\/127\.0\.0\.1:\d+\//.test(output.url ?? '') && new URL(output.url).origin !== simUrl, `output.url on another loopback origin: ${output.url}`);
check(output.content_type === 'video/mp4', `output.content_type '${output.content_type}'`);
check(Number.isInteger(output.size_bytes) && output.size_bytes > 0, `output.size_bytes ${output.size_bytes}`);
check(typeof video.metadata?.cost === 'number' && video.metadata.cost >= 0, `metadata.cost ${video.metadata?.cost}`);
check(typeof video.metadata?.cost_currency === 'string', `metadata.cost_currency '${video.metadata?.cost_currency}'`);

step('videos.downloadContent');
const content = Buffer.from(await (await client.videos.downloadContent(created.id)).arrayBuffer());
check(isMp4(content), `content is an MP4 (ftyp box), ${content.length} bytes`);
check(content.length === output.size_bytes, `content length ${content.length} == output.size_bytes ${output.size_bytes}`);

step('output.url (no auth) with and without Range');
if (output.url) {
  const whole = await fetch(output.url);
  const bytes = Buffer.from(await whole.arrayBuffer());
  check(whole.status === 200 && isMp4(bytes) && bytes.equals(content), `GET output.url: HTTP ${whole.status}, same ${bytes.length} bytes`);
  const part = await fetch(output.url, { headers: { range: 'bytes=4-7' } });
  const partBytes = Buffer.from(await part.arrayBuffer());
  check(part.status === 206 && partBytes.toString('latin1') === 'ftyp', `Range bytes=4-7: HTTP ${part.status} '${partBytes.toString('latin1')}'`);
  check(/^bytes 4-7\/\d+$/.test(part.headers.get('content-range') ?? ''), `Content-Range '${part.headers.get('content-range')}'`);
}

step('videos.delete');
const deleted = await client.videos.delete(created.id);
check(deleted.id === created.id && deleted.object === 'video.deleted' && deleted.deleted === true, `delete answer ${JSON.stringify(deleted)}`);

step('cancel a running job');
const running = await client.videos.create({ model: 'sora-2', prompt: 'Cancelled before it ends', seconds: '4', size: '720x1280' });
const cancelled = await client.videos.delete(running.id);
check(cancelled.id === running.id && cancelled.deleted === true, `delete while ${running.status}: ${JSON.stringify(cancelled)}`);

step('idempotency_key (a Lumenfall field the SDK passes through): a repeated key returns the same video');
const once = await client.videos.create({ model: 'sora-2', prompt: 'Only once', seconds: '4', size: '1280x720', idempotency_key: 'reel-sdk-once' });
const twice = await client.videos.create({ model: 'sora-2', prompt: 'Only once', seconds: '4', size: '1280x720', idempotency_key: 'reel-sdk-once' });
check(once.id === twice.id, `same id: ${once.id} / ${twice.id}`);

step('a failed job (the simulator fails prompts containing [fail])');
let doomed = await client.videos.create({ model: 'sora-2', prompt: 'This one will [fail]', seconds: '4', size: '1280x720' });
for (const end = Date.now() + 20000; !['failed', 'completed'].includes(doomed.status) && Date.now() < end; await sleep(100)) {
  doomed = await client.videos.retrieve(doomed.id);
}
check(doomed.status === 'failed' && typeof doomed.error?.code === 'string' && typeof doomed.error?.message === 'string',
  `status '${doomed.status}', error ${JSON.stringify(doomed.error)}`);
check(doomed.output == null, 'a failed job has no output');

step('errors');
async function expectError(what, call, type, status) {
  try {
    await call();
    fail(`${what}: no error`);
  } catch (error) {
    check(error instanceof type && error.status === status, `${what}: ${error.constructor.name} ${error.status}`);
    check(typeof error.error?.message === 'string' && typeof error.error?.type === 'string' && error.code != null,
      `${what}: envelope {error:{message,type,code}} (code '${error.code}', type '${error.type}')`);
  }
}
// A null header value makes the SDK drop its Authorization header.
await expectError('no Authorization header', () => client.videos.retrieve(running.id, { headers: { authorization: null } }), AuthenticationError, 401);
await expectError('unknown video', () => client.videos.retrieve('video_does_not_exist'), NotFoundError, 404);
await expectError('deleted video', () => client.videos.retrieve(created.id), NotFoundError, 404);

finish('openai SDK');
