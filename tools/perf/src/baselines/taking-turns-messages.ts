import type { ThreadMessage } from '@flotilla/backends';
import type { Tensor } from '@flotilla/contracts';
import type { MessagePort } from 'node:worker_threads';

/**
 * main → thread: run until `untilMs` (epoch), alone, or taking turns with the thread at the other
 * end of `next`, counting the runs that start from `fromMs` on (those before warm up).
 */
export interface TakeTurns extends ThreadMessage {
  readonly kind: 'take-turns';
  readonly inputs: Tensor[];
  readonly outputNames: string[];
  readonly fromMs: number;
  readonly untilMs: number;
  readonly next?: MessagePort;
  /** Taking turns: whether this thread runs first. */
  readonly first?: boolean;
}

/** thread → main: how many runs it made. */
export interface TurnsDone extends ThreadMessage {
  readonly kind: 'turns-done';
  readonly runs: number;
}
