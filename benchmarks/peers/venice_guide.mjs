// SPDX-License-Identifier: BSL-1.0
// The Node.js client of Venice's video generation guide ("Complete Example"), N times at once.
//
// Each job runs the guide's code as published: POST /video/queue, then POST /video/retrieve every
// 5 s until the answer is video/mp4 (or COMPLETED with a download_url), write the file, then POST
// /video/complete, with Node's global fetch; the N jobs run concurrently (Promise.all), no retries,
// no rate limiting. Two changes, both for the benchmark: the loop gives up after PEER_MAX_WAIT_S
// seconds (the guide's `while (true)` has no bound), and each job's output goes to its own file.
// Measuring (not in the guide): every request is timed into PEER_LOG as JSON lines; an exception
// ends that job and is logged.
//
// Environment: VENICE_API_KEY, VENICE_BASE_URL (default the real API), PEER_JOBS (1), PEER_OUT
// (directory), PEER_LOG (file), PEER_MAX_WAIT_S (900).
import fs from 'node:fs';
import path from 'node:path';

const API_KEY = process.env.VENICE_API_KEY;
const BASE_URL = process.env.VENICE_BASE_URL ?? 'https://api.venice.ai/api/v1';
const headers = {"Authorization": `Bearer ${API_KEY}`, "Content-Type": "application/json"};
const JOBS = Number(process.env.PEER_JOBS ?? '1');
const OUT = process.env.PEER_OUT ?? '.';
const MAX_WAIT_S = Number(process.env.PEER_MAX_WAIT_S ?? '900');

const lines = [];
const now = () => (performance.timeOrigin + performance.now()) / 1000;
const note = (fields) => lines.push(JSON.stringify(fields));

// fetch, timed until the body has been read (the guide reads every body it fetches).
async function timedFetch(job, ep, url, init) {
  const t0 = now();
  const resp = await fetch(url, init);
  const raw = await resp.arrayBuffer();
  const t1 = now();
  const body = Buffer.from(raw);  // a view, no copy
  const video = resp.headers.get("Content-Type")?.includes("video/mp4") ?? false;
  note({job, ep, t0, t1, status: resp.status, video, bytes: body.length});
  return {
    headers: resp.headers,
    json: async () => JSON.parse(body.toString('utf8')),
    arrayBuffer: async () => raw,
  };
}

async function run(job) {
  const output = path.join(OUT, `job-${job}.mp4`);

  // Queue
  const queueResp = await timedFetch(job, 'create', `${BASE_URL}/video/queue`, {
      method: "POST", headers,
      body: JSON.stringify({
          model: "wan-2.5-preview-text-to-video",
          prompt: `A gondola gliding through Venice canals at sunset [job ${job}]`,
          duration: "5s", resolution: "720p", aspect_ratio: "16:9"
      })
  });
  const {model, queue_id, download_url} = await queueResp.json();

  // Poll
  const start = Date.now();
  while (true) {
      const resp = await timedFetch(job, 'status', `${BASE_URL}/video/retrieve`, {
          method: "POST", headers,
          body: JSON.stringify({model, queue_id})
      });
      if (resp.headers.get("Content-Type")?.includes("video/mp4")) {
          fs.writeFileSync(output, Buffer.from(await resp.arrayBuffer()));
          break;
      }
      const status = await resp.json();
      if (status.status === "COMPLETED" && download_url) {
          const video = await fetch(download_url);
          fs.writeFileSync(output, Buffer.from(await video.arrayBuffer()));
          break;
      }
      if ((Date.now() - start) / 1000 > MAX_WAIT_S) {  // the benchmark's bound, not the guide's
        throw new Error(`no video after ${MAX_WAIT_S} s`);
      }
      await new Promise(r => setTimeout(r, 5000));
  }

  // Cleanup
  await timedFetch(job, 'cleanup', `${BASE_URL}/video/complete`, {
      method: "POST", headers,
      body: JSON.stringify({model, queue_id})
  });
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
