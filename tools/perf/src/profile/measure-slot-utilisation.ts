#!/usr/bin/env node
// Loads a running Flotilla with requests that ask for `flotilla_execution_info`, then reports each
// instance slot's busy time, idle gap between runs, and utilisation:
//   node dist/tools/perf/src/profile/measure-slot-utilisation.js --url http://127.0.0.1:8000 [--model simple] [--concurrency 32] [--seconds 6]
import { KeepAliveClient } from '../http/keep-alive-client';
import { buildInferRequestBody } from '../request/infer-request-body';
import { parseModelMetadata } from '../request/model-metadata';
import { slotUtilisation, type ExecutionStamp } from './slot-utilisation';

async function main(): Promise<void> {
  const flags = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) flags.set(argv[i].replace(/^--/, ''), argv[i + 1] ?? '');
  const url = flags.get('url') ?? 'http://127.0.0.1:8000';
  const model = flags.get('model') ?? 'simple';
  const concurrency = Number(flags.get('concurrency') ?? 32);
  const seconds = Number(flags.get('seconds') ?? 6);

  const client = new KeepAliveClient(url, concurrency);
  const path = `/v2/models/${encodeURIComponent(model)}`;
  const request = buildInferRequestBody(parseModelMetadata((await client.getJson(path)).json), { protocol: 'json', parameters: { flotilla_execution_info: true } });
  const stamps: ExecutionStamp[] = [];
  const deadline = Date.now() + seconds * 1000;
  const warmUntil = Date.now() + 1000; // the first second is warm-up: connections, JIT
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const response = await client.send('POST', `${path}/infer`, request.body, request.headers);
        if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.body.toString()}`);
        const p = (JSON.parse(response.body.toString()) as { parameters?: Record<string, number | string> }).parameters;
        if (!p?.flotilla_compute_start_ms) throw new Error('the server returned no flotilla_execution_info parameters');
        if (Date.now() > warmUntil) stamps.push({ instance: String(p.flotilla_instance), startMs: Number(p.flotilla_compute_start_ms), endMs: Number(p.flotilla_compute_end_ms) });
      }
    }),
  );
  client.close();
  for (const slot of slotUtilisation(stamps)) {
    console.log(
      `${slot.instance}: ${slot.runs} runs, busy p50 ${slot.busyMs.p50Ms.toFixed(3)} ms, idle gap p50 ${slot.idleGapMs.p50Ms.toFixed(3)} ms / p90 ${slot.idleGapMs.p90Ms.toFixed(3)} ms, utilisation ${(100 * slot.utilisation).toFixed(0)} %`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`slot-utilisation: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
