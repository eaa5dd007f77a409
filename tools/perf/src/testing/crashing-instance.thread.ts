// A WorkerInstance thread that dies of an uncaught exception when its first execute request
// arrives, so tests can watch an instance lose its thread with a call in flight. Simulating the
// death this way, rather than with Worker.terminate(), matters: terminating a thread while
// onnxruntime is inside session.run aborts the whole test process. Compiled to
// dist/tools/perf/src/testing/crashing-instance.thread.js.
import { parentPort } from 'node:worker_threads';
import '../worker-instance/worker-instance.thread';

// Registered now, before the real thread's own listener (added once its model has loaded), so it
// runs first and the model never starts running.
parentPort?.on('message', (message: { kind: string }) => {
  if (message.kind === 'execute') throw new Error('simulated crash in the instance thread');
});
