// SPDX-License-Identifier: BSL-1.0
// The `openai` npm SDK (pinned in package.json) against Lumenfall's OpenAI-compatible videos API,
// N jobs at once, written the way the SDK's video examples read: client.videos.create, then
// client.videos.retrieve every 5 s until `completed` (or `failed`), then
// client.videos.downloadContent to a file. The SDK's defaults are kept (maxRetries 2, its
// timeouts); no rate limiting, no cleanup (the examples do not delete). For the benchmark: the
// loop gives up after PEER_MAX_WAIT_S seconds and each job writes its own file; every SDK call is
// timed into PEER_LOG as JSON lines (SDK parsing included in the times).
//
// Environment: OPENAI_API_KEY and OPENAI_BASE_URL (read by the SDK itself; run.sh sets the
// simulator's <sim>/openai/v1), PEER_NPM_DIR (the directory whose node_modules holds `openai`),
// PEER_JOBS (1), PEER_OUT (directory), PEER_LOG (file), PEER_MAX_WAIT_S (900).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(path.resolve(process.env.PEER_NPM_DIR ?? '.'), 'package.json'));
const { OpenAI } = require('openai');

const JOBS = Number(process.env.PEER_JOBS ?? '1');
const OUT = process.env.PEER_OUT ?? '.';
const MAX_WAIT_S = Number(process.env.PEER_MAX_WAIT_S ?? '900');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const lines = [];
const now = () => (performance.timeOrigin + performance.now()) / 1000;
const note = (fields) => lines.push(JSON.stringify(fields));

const client = new OpenAI();

async function run(job) {
  let t0 = now();
  let video = await client.videos.create({
    model: 'sora-2',
    prompt: `A gondola gliding through Venice canals at sunset [job ${job}]`,
    seconds: '4',
    size: '1280x720',
  });
  note({job, ep: 'create', t0, t1: now(), status: 200, video: false, bytes: 0});

  const start = Date.now();
  while (video.status === 'queued' || video.status === 'in_progress') {
    if ((Date.now() - start) / 1000 > MAX_WAIT_S) throw new Error(`no video after ${MAX_WAIT_S} s`);
    await sleep(5000);
    t0 = now();
    video = await client.videos.retrieve(video.id);
    note({job, ep: 'status', t0, t1: now(), status: 200, video: false, bytes: 0});
  }
  if (video.status !== 'completed') throw new Error(`video ${video.id} ended ${video.status}: ${video.error?.message ?? ''}`);

  t0 = now();
  const content = await client.videos.downloadContent(video.id);
  const bytes = Buffer.from(await content.arrayBuffer());
  note({job, ep: 'download', t0, t1: now(), status: content.status, video: true, bytes: bytes.length});
  fs.writeFileSync(path.join(OUT, `job-${job}.mp4`), bytes);
}

await Promise.all(Array.from({length: JOBS}, async (_, job) => {
  try {
    await run(job);
    note({job, ep: 'end', t: now(), ok: true, kind: 'succeeded', error: ''});
  } catch (e) {
    note({job, ep: 'end', t: now(), ok: false, kind: 'error', error: String(e?.message ?? e)});
  }
}));
fs.writeFileSync(process.env.PEER_LOG ?? '/dev/null', lines.length ? lines.join('\n') + '\n' : '');
