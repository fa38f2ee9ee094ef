// SPDX-License-Identifier: BSL-1.0
// The official `@runwayml/sdk` npm package (pinned in package.json), unmodified, against the
// simulator's Runway endpoints (its documented `baseURL` option: $REEL_SIM_URL/runway):
// textToVideo.create and imageToVideo.create, tasks.retrieve while the task waits or runs, the
// SDK's own waitForTaskOutput polling until SUCCEEDED, the output URL (another origin, no key)
// gives an MP4, tasks.delete cancelling a running task (then CANCELLED, and waitForTaskOutput
// throws TaskFailedError) and deleting an ended one (then 404), a failed task with its failure
// code, the SDK's own retry of a 429, and typed errors (BadRequestError 400 for a bad ratio or API
// version, AuthenticationError 401 for a bad key, NotFoundError 404).
import { admin, check, fail, finish, isMp4, npmRequire, setRules, simUrl, step } from './common.mjs';

let RunwayML;
try {
  RunwayML = npmRequire('@runwayml/sdk');
} catch (error) {
  console.log(`SKIP: npm package @runwayml/sdk is not installed in REEL_NPM_DIR (${error.message})`);
  process.exit(77);
}
const { BadRequestError, AuthenticationError, NotFoundError, TaskFailedError } = RunwayML;
delete process.env.RUNWAYML_API_SECRET;  // only the key given here
delete process.env.RUNWAYML_BASE_URL;
const baseURL = `${simUrl}/runway`;
const client = new RunwayML({ apiKey: 'key_reel_simulator', baseURL });

// Only this key is accepted (the simulator takes any non-empty key by default).
const config = await admin('GET', 'config');
await admin('POST', 'config', { ...config, api_keys: ['key_reel_simulator'] });
await setRules([
  { match: { prompt_contains: 'long' }, job: { duration_ms: 60000 } },
  { match: { prompt_contains: '[fail]' }, job: { outcome: 'fail', fail_message: 'An internal error occurred' } },
  { match: { endpoint: 'runway.create', prompt_contains: 'throttled' }, times: 1, fault: { status: 429, retry_after: '1' } },
]);

const credits = cost => cost !== null && typeof cost === 'object' && typeof cost.credits === 'number' && cost.credits > 0;

step('textToVideo.create and imageToVideo.create');
// A 1x1 PNG as a data URI (an input form the SDK documents for promptImage).
const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const textCreate = client.textToVideo.create({ model: 'gen4.5', promptText: 'A heron over a lake', ratio: '1280:720', duration: 5 });
check(typeof textCreate.waitForTaskOutput === 'function', 'the create promise has waitForTaskOutput');
const textTask = await textCreate;
check(typeof textTask.id === 'string' && textTask.id.length > 0, `text_to_video id '${textTask.id}'`);
check(credits(textTask.estimatedCost), `text_to_video estimatedCost ${JSON.stringify(textTask.estimatedCost)}`);
const imageCreate = client.imageToVideo.create({ model: 'gen4_turbo', promptImage: png, promptText: 'The dot grows', ratio: '960:960', duration: 5 });
const imageTask = await imageCreate;
check(typeof imageTask.id === 'string' && imageTask.id !== textTask.id, `image_to_video id '${imageTask.id}'`);
check(credits(imageTask.estimatedCost), `image_to_video estimatedCost ${JSON.stringify(imageTask.estimatedCost)}`);

step('tasks.retrieve right after the create');
const early = await client.tasks.retrieve(textTask.id);
check(early.id === textTask.id && ['PENDING', 'THROTTLED', 'RUNNING'].includes(early.status), `status '${early.status}'`);
check(typeof early.createdAt === 'string' && !Number.isNaN(Date.parse(early.createdAt)), `createdAt '${early.createdAt}'`);
check(credits(early.estimatedCost), `estimatedCost ${JSON.stringify(early.estimatedCost)}`);
check(early.status !== 'RUNNING' || (early.progress >= 0 && early.progress <= 1), `progress ${early.progress}`);

step('waitForTaskOutput (the SDK polls every 6 s) until SUCCEEDED, both tasks at once');
const [textDone, imageDone] = await Promise.all([textCreate.waitForTaskOutput(), imageCreate.waitForTaskOutput()]);
for (const [name, done] of [['text_to_video', textDone], ['image_to_video', imageDone]]) {
  check(done.status === 'SUCCEEDED', `${name}: status '${done.status}'`);
  check(Array.isArray(done.output) && done.output.length === 1 && new URL(done.output[0]).origin !== simUrl,
    `${name}: output on another origin ${JSON.stringify(done.output)}`);
  check(credits(done.cost), `${name}: cost ${JSON.stringify(done.cost)}`);
}
const again = await client.tasks.retrieve(textTask.id);
check(again.status === 'SUCCEEDED' && again.output?.[0] === textDone.output[0], 'tasks.retrieve gives the same output');

step('the output URLs (no key)');
for (const done of [textDone, imageDone]) {
  const video = await fetch(done.output[0]);
  const bytes = Buffer.from(await video.arrayBuffer());
  check(video.status === 200 && isMp4(bytes), `GET ${done.output[0]}: HTTP ${video.status}, ${bytes.length} bytes, MP4`);
}
const part = await fetch(textDone.output[0], { headers: { range: 'bytes=4-7' } });
check(part.status === 206 && Buffer.from(await part.arrayBuffer()).toString('latin1') === 'ftyp', `Range: HTTP ${part.status}`);

step('tasks.delete of a running task cancels it');
const longCreate = client.textToVideo.create({ model: 'gen4.5', promptText: 'A long one', ratio: '720:1280', duration: 10 });
const longTask = await longCreate;
const deleted = await client.tasks.delete(longTask.id);
check(deleted === undefined || deleted === null || deleted === '', `delete answers no body (${JSON.stringify(deleted)})`);
const cancelled = await client.tasks.retrieve(longTask.id);
check(cancelled.status === 'CANCELLED', `after delete: '${cancelled.status}'`);
check(cancelled.cost !== null && typeof cancelled.cost === 'object' && typeof cancelled.cost.credits === 'number',
  `cancelled cost ${JSON.stringify(cancelled.cost)}`);
try {
  await client.tasks.retrieve(longTask.id).waitForTaskOutput();
  fail('waitForTaskOutput of a cancelled task did not throw');
} catch (error) {
  check(error instanceof TaskFailedError && error.message === 'Task cancelled' && error.taskDetails?.status === 'CANCELLED',
    `waitForTaskOutput throws ${error.name}: ${error.message}`);
}

step('tasks.delete of an ended task deletes it (then 404)');
await client.tasks.delete(textTask.id);
try {
  await client.tasks.retrieve(textTask.id);
  fail('a deleted task is still there');
} catch (error) {
  check(error instanceof NotFoundError && error.status === 404 && typeof error.error?.error === 'string',
    `retrieve after delete: ${error.constructor.name} ${error.status} ${JSON.stringify(error.error)}`);
}
const gone = await fetch(textDone.output[0]);
check(gone.status === 404, `the deleted task's output: HTTP ${gone.status}`);

step('a failed task');
try {
  await client.textToVideo.create({ model: 'gen4.5', promptText: 'This one will [fail]', ratio: '1280:720', duration: 5 }).waitForTaskOutput();
  fail('waitForTaskOutput of a failed task did not throw');
} catch (error) {
  check(error instanceof TaskFailedError && error.taskDetails?.status === 'FAILED' && error.message === 'An internal error occurred',
    `${error.name}: ${error.message}`);
  check(/^INTERNAL\./.test(error.taskDetails?.failureCode ?? ''), `failureCode '${error.taskDetails?.failureCode}'`);
}

step('a 429 is retried by the SDK itself');
const throttled = await client.textToVideo.create({ model: 'gen4.5', promptText: 'throttled once', ratio: '1280:720', duration: 5 });
check(typeof throttled.id === 'string' && throttled.id.length > 0, `created after the 429: ${throttled.id}`);

step('errors');
async function expectError(what, call, type, status) {
  try {
    await call();
    fail(`${what}: no error`);
  } catch (error) {
    check(error instanceof type && error.status === status && typeof error.error?.error === 'string' && error.error.error.length > 0,
      `${what}: ${error.constructor.name} ${error.status} ${JSON.stringify(error.error)}`);
  }
}
await expectError('bad ratio', () => client.textToVideo.create({ model: 'gen4.5', promptText: 'p', ratio: '1:1', duration: 5 }), BadRequestError, 400);
await expectError('gen4.5 text_to_video takes no 960:960', () => client.textToVideo.create({ model: 'gen4.5', promptText: 'p', ratio: '960:960', duration: 5 }), BadRequestError, 400);
await expectError('no promptImage', () => client.imageToVideo.create({ model: 'gen4_turbo', ratio: '1280:720' }), BadRequestError, 400);
const badKey = new RunwayML({ apiKey: 'not-a-key', baseURL, maxRetries: 0 });
await expectError('bad key', () => badKey.tasks.retrieve(imageTask.id), AuthenticationError, 401);
const oldVersion = new RunwayML({ apiKey: 'key_reel_simulator', baseURL, runwayVersion: '2020-01-01' });
await expectError('unknown API version', () => oldVersion.tasks.retrieve(imageTask.id), BadRequestError, 400);
await expectError('unknown task', () => client.tasks.retrieve('does-not-exist'), NotFoundError, 404);

finish('runway SDK');
