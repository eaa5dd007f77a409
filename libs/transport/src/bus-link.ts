import type { NatsConnection, Status } from '@nats-io/transport-node';

/** The link to nats-server, as a process sees it. */
export type LinkState = 'up' | 'down' | 'closed';

/**
 * A request that cannot be answered because this process has lost its connection to NATS: every
 * request waiting for a reply when the link drops fails with it at once, and so does every new one
 * until the link is back. Callers turn it into a 503 that says the bus is down.
 */
export class BusDownError extends Error {
  constructor() {
    super('the message bus (NATS) is unreachable');
    this.name = 'BusDownError';
  }
}

/**
 * Follows a NATS connection's status events and reduces them to up / down / closed. The client
 * reconnects by itself (see connectNats for the timing); what it does not do is tell the code
 * waiting on replies that none can come while the link is down. Listeners hear every change.
 */
export class BusLink {
  private current: LinkState = 'up';
  private readonly listeners = new Set<(state: LinkState) => void>();

  constructor(connection: NatsConnection) {
    void this.follow(connection);
  }

  get state(): LinkState {
    return this.current;
  }

  get up(): boolean {
    return this.current === 'up';
  }

  /** The error for a request made now, while the link is down. */
  downError(): BusDownError {
    return new BusDownError();
  }

  onChange(listener: (state: LinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async follow(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) this.apply(status);
    this.set('closed');
  }

  private apply(status: Status): void {
    // 'staleConnection' precedes the reconnect the client starts after missed pings: the link is
    // as good as gone from that moment. 'reconnect' is the one event that says it is back.
    if (status.type === 'disconnect' || status.type === 'staleConnection') this.set('down');
    else if (status.type === 'reconnect') this.set('up');
    else if (status.type === 'close') this.set('closed');
  }

  private set(state: LinkState): void {
    if (state === this.current || this.current === 'closed') return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
