// Entry point of one thread of the taking-turns floor (taking-turns.ts): it loads the model, then
// runs it either back to back (alone) or once per turn, passing the turn straight to the other
// thread on a MessagePort the moment its run returns, until the deadline; then it reports how many
// runs it made. Loaded as the compiled `taking-turns.thread.js`.
import { SlotThreadContext, type ModelRunner, type ThreadMessage } from '@flotilla/backends';
import type { MessagePort } from 'node:worker_threads';
import type { TakeTurns, TurnsDone } from './taking-turns-messages';

const thread = new SlotThreadContext();
/** Closed with the thread: an open port would keep it alive. */
const ports: MessagePort[] = [];

async function takeTurns(runner: ModelRunner, { inputs, outputNames, fromMs, untilMs, next, first }: TakeTurns): Promise<void> {
  let runs = 0;
  const run = async () => {
    const counted = Date.now() >= fromMs;
    await runner.run(inputs, outputNames);
    if (counted) runs++;
  };
  const done = () => thread.send({ kind: 'turns-done', runs } satisfies TurnsDone);
  if (next === undefined) {
    while (Date.now() < untilMs) await run();
    return done();
  }
  // A turn carries whether to go on; the last one tells the other thread to stop too.
  const turn = async (goOn: boolean) => {
    if (!goOn) return done();
    await run();
    const more = Date.now() < untilMs;
    next.postMessage(more);
    if (!more) done();
  };
  ports.push(next);
  next.on('message', (goOn: boolean) => void turn(goOn));
  if (first) await turn(true);
}

void thread.loadRunner().then((runner) => {
  if (!runner) return;
  thread.ready(runner);
  thread.port.on('message', (message: ThreadMessage) => {
    if (message.kind === 'take-turns') void takeTurns(runner, message as TakeTurns);
    else {
      for (const port of ports) port.close();
      void runner.release().finally(() => thread.port.close());
    }
  });
});
