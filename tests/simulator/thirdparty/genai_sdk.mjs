// SPDX-License-Identifier: BSL-1.0
// The official `@google/genai` npm package (pinned in package.json), unmodified, against the
// simulator's Gemini API (Google Veo; its documented `httpOptions.baseUrl` option:
// $REEL_SIM_URL/gemini): models.generateVideos (an Operation by name), operations.getVideosOperation
// until done, the generated video's uri fetched with the `x-goog-api-key` header (and refused
// without it), files.download of `files/{id}` to a file, a failed operation's `error`, and errors as
// the SDK's ApiError carrying google.rpc.Status bodies (`{"error": {code, message, status}}`).
// Wire facts: /work/shared/specs/google-veo/NOTES.md. When the simulator has no Gemini mode (it
// arrives with branch `veo`) the test is SKIPPED, never passed.
import fs from 'node:fs';
import path from 'node:path';
import { admin, check, fail, finish, isMp4, npmRequire, setRules, simUrl, sleep, step } from './common.mjs';

let genai;
try {
  genai = npmRequire('@google/genai');
} catch (error) {
  console.log(`SKIP: npm package @google/genai is not installed in REEL_NPM_DIR (${error.message})`);
  process.exit(77);
}
const { ApiError, GoogleGenAI } = genai;
for (const name of ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION']) {
  delete process.env[name];  // only what is given here
}
const apiKey = 'gemini-reel-simulator';
const baseUrl = `${simUrl}/gemini`;
const model = 'veo-3.1-generate-001';

// Does this simulator speak Gemini? Its other modes answer an unknown /gemini path with a plain 404;
// the Gemini mode answers with a google.rpc.Status body.
{
  const probe = await fetch(`${baseUrl}/v1beta/operations/reel-probe`, { headers: { 'x-goog-api-key': apiKey } });
  let body = null;
  try {
    body = await probe.json();
  } catch {
    body = null;
  }
  if (typeof body?.error?.code !== 'number') {
    console.log(`SKIP: the simulator has no Gemini mode under /gemini (HTTP ${probe.status}); it comes with branch veo`);
    process.exit(77);
  }
}

const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl } });
// Only this key is accepted (the simulator takes any non-empty key by default).
const config = await admin('GET', 'config');
await admin('POST', 'config', { ...config, api_keys: [apiKey] });
await setRules([
  { match: { prompt_contains: '[fail]' }, job: { outcome: 'fail', fail_message: 'The video could not be generated' } },
]);

async function settle(operation) {
  let op = operation;
  for (let i = 0; i < 300 && !op.done; i++) {
    await sleep(100);
    op = await ai.operations.getVideosOperation({ operation: op });
  }
  if (!op.done) throw new Error(`operation ${op.name} did not end`);
  return op;
}

step('models.generateVideos');
const started = await ai.models.generateVideos({
  model,
  prompt: 'A heron over a lake at dawn',
  config: { numberOfVideos: 1, durationSeconds: 8, aspectRatio: '16:9', resolution: '720p' },
});
check(typeof started.name === 'string' && started.name.length > 0, `operation name '${started.name}'`);
check(!started.done, `done right after the create: ${started.done}`);

step('operations.getVideosOperation until done');
const done = await settle(started);
check(done.done === true && done.error === undefined, `done, error ${JSON.stringify(done.error)}`);
const videos = done.response?.generatedVideos ?? [];
check(videos.length === 1, `${videos.length} generated video(s)`);
const uri = videos[0]?.video?.uri;
check(typeof uri === 'string' && /files\/[a-z0-9]+/.test(uri), `video uri ${uri}`);

step('the uri with the key (and without it)');
const keyed = await fetch(uri, { headers: { 'x-goog-api-key': apiKey } });
const bytes = Buffer.from(await keyed.arrayBuffer());
check(keyed.status === 200 && isMp4(bytes), `GET uri with x-goog-api-key: HTTP ${keyed.status}, ${bytes.length} bytes, MP4`);
const anonymous = await fetch(uri);
check(anonymous.status >= 400 && anonymous.status < 500, `GET uri without the key: HTTP ${anonymous.status}`);

step('files.download');
// The SDK finds the file id only in https:// uris (tFileName); the simulator's are http://127.0.0.1,
// so the test names the file as `files/{id}`, which the SDK also takes.
const fileId = uri.split('files/')[1].match(/[a-z0-9]+/)[0];
const downloadPath = path.join(process.cwd(), 'veo.mp4');
await ai.files.download({ file: `files/${fileId}`, downloadPath });
const downloaded = fs.readFileSync(downloadPath);
check(isMp4(downloaded) && downloaded.equals(bytes), `files.download wrote ${downloaded.length} bytes, the same MP4`);

step('a failed operation');
const failing = await settle(await ai.models.generateVideos({ model, prompt: 'This one will [fail]' }));
check(failing.done === true && typeof failing.error?.code === 'number' && typeof failing.error?.message === 'string',
  `error ${JSON.stringify(failing.error)}`);
check((failing.response?.generatedVideos ?? []).length === 0, 'no video');

step('errors');
async function expectApiError(what, call, statuses) {
  try {
    await call();
    fail(`${what}: no error`);
  } catch (error) {
    let body = null;
    try {
      body = JSON.parse(error.message);
    } catch {
      body = null;
    }
    check(error instanceof ApiError && statuses.includes(error.status) && body?.error?.code === error.status &&
      typeof body?.error?.message === 'string' && typeof body?.error?.status === 'string',
      `${what}: ${error.constructor.name} ${error.status} ${error.message}`);
  }
}
await expectApiError('bad aspect ratio', () => ai.models.generateVideos({ model, prompt: 'p', config: { aspectRatio: '4:3' } }), [400]);
await expectApiError('unknown model', () => ai.models.generateVideos({ model: 'veo-0-nope', prompt: 'p' }), [404]);
const badKey = new GoogleGenAI({ apiKey: 'not-a-key', httpOptions: { baseUrl } });
await expectApiError('bad key', () => badKey.operations.getVideosOperation({ operation: started }), [400, 401, 403]);

finish('@google/genai SDK');
