import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { COALESCED_REPLY_TOKEN, COALESCING_INBOX_MARK, decodeBatchFrame, HEADERS } from '@flotilla/contracts';
import type { BusLink } from './bus-link';
import { DeadlineTimer } from './deadline-timer';
import { incoming, plainMessage, type IncomingMessage } from './incoming-message';

interface Waiter {
  resolve(message: IncomingMessage): void;
  reject(error: Error): void;
  deadline: number;
  timeoutMs: number;
  /** A group's reply subject (`openGroup`): only a no-responders status means anything there, and it expires silently. */
  group?: true;
}

export class NoRespondersError extends Error {
  constructor(subject: string) {
    super(`no responders: nothing listens on ${subject}`);
    this.name = 'NoRespondersError';
  }
}

export class RequestTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timeout: no reply within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * One wildcard subscription that receives the replies to every request this connection makes:
 * a request is a plain publish with reply subject `<inbox>.<token>`. It does what the client's own
 * request() does, minus its per-request costs — that builds two Error objects (stack traces
 * included) and a timer for every call, a measurable share of the gateway's CPU. Here a request
 * costs a map entry; one timer, armed for the earliest deadline, expires them all.
 */
export class ReplyInbox {
  /** Marked as taking coalesced replies: a slot may answer several of its requests in one message. */
  private readonly prefix: string;
  private readonly waiting = new Map<string, Waiter>();
  private subscription?: Subscription;
  private readonly deadlines = new DeadlineTimer((now) => this.expire(now));
  private sequence = 0;

  constructor(
    private readonly connection: NatsConnection,
    private readonly link: BusLink,
    inboxPrefix?: string,
  ) {
    this.prefix = `${createInbox(inboxPrefix)}.${COALESCING_INBOX_MARK}`;
    // No reply can come over a link that is down (and one published before the drop may never
    // arrive): every request waiting fails at once rather than at its deadline.
    link.onChange((state) => {
      if (state === 'down') this.failAll(link.downError());
    });
  }

  /** A reply subject and its answer; while the link is down the answer fails at once. */
  open(timeoutMs: number): { reply: string; answer: Promise<IncomingMessage> } {
    this.subscribe();
    const token = (++this.sequence).toString(36);
    if (!this.link.up) return { reply: `${this.prefix}.${token}`, answer: Promise.reject(this.link.downError()) };
    const deadline = Date.now() + timeoutMs;
    const answer = new Promise<IncomingMessage>((resolve, reject) => this.waiting.set(token, { resolve, reject, deadline, timeoutMs }));
    this.deadlines.ensureBy(deadline);
    return { reply: `${this.prefix}.${token}`, answer };
  }

  /**
   * A reply subject for one message that carries several requests opened here (each with its own
   * reply subject inside the message): answers come to those, but when nothing listens where the
   * message goes, NATS' no-responders status comes here, and fails every one of them at once.
   */
  openGroup(replies: readonly string[], timeoutMs: number): string {
    this.subscribe();
    const token = (++this.sequence).toString(36);
    const fail = (error: Error) => {
      for (const reply of replies) {
        const member = reply.slice(this.prefix.length + 1);
        const waiter = this.waiting.get(member);
        if (!waiter) continue;
        this.waiting.delete(member);
        waiter.reject(error);
      }
    };
    this.waiting.set(token, { resolve: () => undefined, reject: fail, deadline: Date.now() + timeoutMs, timeoutMs, group: true });
    return `${this.prefix}.${token}`;
  }

  /** The one wildcard subscription, made on first use. */
  private subscribe(): void {
    this.subscription ??= this.connection.subscribe(`${this.prefix}.*`, { callback: (_error, msg) => this.deliver(msg) });
  }

  close(): void {
    this.deadlines.stop();
    this.failAll(new Error('connection closing'));
  }

  /** Fails every request waiting here; returns how many (a group's members count, not the group). */
  failAll(error: Error): number {
    const waiters = [...this.waiting.values()];
    this.waiting.clear();
    let failed = 0;
    for (const waiter of waiters) {
      waiter.reject(error);
      if (!waiter.group) failed++;
    }
    return failed;
  }

  private deliver(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    if (token === COALESCED_REPLY_TOKEN && msg.headers?.get(HEADERS.batch)) return this.deliverCoalesced(msg);
    const waiter = this.waiting.get(token);
    if (!waiter) return; // late reply to a request that already timed out
    this.waiting.delete(token);
    // The server answers a request nobody subscribes to with an empty 503 status message.
    if (msg.data.byteLength === 0 && msg.headers?.code === 503) waiter.reject(new NoRespondersError(msg.subject));
    else waiter.resolve(incoming(msg));
  }

  /** Several replies in one message (a slot's `coalesceReplies`): each goes to its own request. */
  private deliverCoalesced(msg: Msg): void {
    let replies;
    try {
      replies = decodeBatchFrame(msg.data);
    } catch {
      return; // unreadable: its requests time out, as for a reply lost on the way
    }
    for (const { request, frame } of replies) {
      const token = request.replyTo.slice(this.prefix.length + 1);
      const waiter = this.waiting.get(token);
      if (!waiter || !request.replyTo.startsWith(this.prefix)) continue;
      this.waiting.delete(token);
      waiter.resolve(plainMessage(request.replyTo, frame));
    }
  }

  /** Times out every request past its deadline; returns the earliest deadline still pending. */
  private expire(now: number): number | undefined {
    let next: number | undefined;
    for (const [token, waiter] of this.waiting) {
      if (waiter.deadline > now) {
        next = Math.min(next ?? Infinity, waiter.deadline);
        continue;
      }
      this.waiting.delete(token);
      if (!waiter.group) waiter.reject(new RequestTimeoutError(waiter.timeoutMs)); // its members time out on their own
    }
    return next;
  }
}
