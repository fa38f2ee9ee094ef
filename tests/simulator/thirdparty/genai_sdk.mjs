// SPDX-License-Identifier: BSL-1.0
// The official `@google/genai` npm package (pinned in package.json), unmodified, against the
// simulator's Gemini API (Google Veo; its documented `httpOptions.baseUrl` option:
// $REEL_SIM_URL/gemini). @google/genai 3.1.0 no longer sends models.generateVideos to the Gemini
// API: it throws "only supported by the Gemini Enterprise Agent Platform (previously known as Vertex
// AI)" before any request (checked here, so a later pin that brings it back shows up). The create
// therefore goes over plain HTTP (`POST /v1beta/models/{model}:predictLongRunning` with the key, the
// body of the notes' wire format), and the SDK does the rest: operations.getVideosOperation until
// done (its mldev converter turns generateVideoResponse into generatedVideos), the video's uri
// fetched with `x-goog-api-key` (and refused without it), files.download of `files/{id}` to a file,
// a failed operation's `error`, and errors as the SDK's ApiError carrying google.rpc.Status bodies
// (`{"error": {code, message, status}}`).
// Wire facts: /work/shared/specs/google-veo/NOTES.md. When the simulator has no Gemini mode the
// test is SKIPPED, never passed.
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
const { ApiError, GenerateVideosOperation, GoogleGenAI } = genai;
for (const name of ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION']) {
  delete process.env[name];  // only what is given here
}
const apiKey = 'gemini-reel-simulator';
const baseUrl = `${simUrl}/gemini`;
const model = 'veo-3.1-generate-001';
// SDK 3.1.0 defaults to the v1 API; Veo's predictLongRunning and its operations are v1beta (the
// notes), so the documented httpOptions.apiVersion selects it.
const httpOptions = { baseUrl, apiVersion: 'v1beta' };

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

const ai = new GoogleGenAI({ apiKey, httpOptions });
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

step('models.generateVideos refuses the Gemini API (SDK 3.1.0)');
try {
  await ai.models.generateVideos({ model, prompt: 'A heron', config: { numberOfVideos: 1 } });
  fail('generateVideos on the Gemini API did not throw: the SDK sends it again, so use it here');
} catch (error) {
  check(!(error instanceof ApiError) && /only supported by the Gemini Enterprise Agent Platform/.test(error.message),
    `generateVideos throws before any request: ${error.message}`);
}

// POST :predictLongRunning over plain HTTP; the answer (an Operation) is what the SDK's
// generateVideos would have returned before 3.x, so it becomes a GenerateVideosOperation.
async function predictLongRunning(modelId, body, key = apiKey) {
  const response = await fetch(`${baseUrl}/v1beta/models/${modelId}:predictLongRunning`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`predictLongRunning: HTTP ${response.status} ${JSON.stringify(json)}`);
  return Object.assign(new GenerateVideosOperation(), { name: json.name, done: json.done });
}

step('predictLongRunning (plain HTTP)');
const started = await predictLongRunning(model, {
  instances: [{ prompt: 'A heron over a lake at dawn' }],
  parameters: { sampleCount: 1, durationSeconds: 8, aspectRatio: '16:9', resolution: '720p' },
});
check(typeof started.name === 'string' && started.name.startsWith(`models/${model}/operations/`), `operation name '${started.name}'`);
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
const failing = await settle(await predictLongRunning(model, { instances: [{ prompt: 'This one will [fail]' }] }));
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
// The SDK's calls that still reach the Gemini API: operations and files.
const badKey = new GoogleGenAI({ apiKey: 'not-a-key', httpOptions });
await expectApiError('bad key', () => badKey.operations.getVideosOperation({ operation: started }), [400]);
const unknown = Object.assign(new GenerateVideosOperation(), { name: `models/${model}/operations/doesnotexist` });
await expectApiError('unknown operation', () => ai.operations.getVideosOperation({ operation: unknown }), [404]);
await expectApiError('unknown file', () => ai.files.download({ file: 'files/doesnotexist', downloadPath: path.join(process.cwd(), 'none.mp4') }), [404]);
const other = new GoogleGenAI({ apiKey: 'gemini-other-key', httpOptions });
await admin('POST', 'config', { ...config, api_keys: [apiKey, 'gemini-other-key'] });
await expectApiError("another key's operation", () => other.operations.getVideosOperation({ operation: started }), [404]);

finish('@google/genai SDK');
