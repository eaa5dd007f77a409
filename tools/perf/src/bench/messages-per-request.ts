// How many NATS messages one inference costs, counted by nats-server itself: `/varz`'s in_msgs
// (messages clients published) and out_msgs (messages it delivered) before and after a
// measurement, over the requests the model answered meanwhile (its statistics' success count).
// Every message is a wake-up somewhere, and wake-ups are what a request costs on small machines,
// so this is the figure that coalescing (several requests per message) moves.

export interface MessageCounts {
  readonly published: number;
  readonly delivered: number;
  readonly requests: number;
}

interface Snapshot {
  readonly inMsgs: number;
  readonly outMsgs: number;
  readonly successes: number;
}

export async function countMessages<T>(natsMonitorUrl: string, serverUrl: string, model: string, measure: () => Promise<T>): Promise<{ result: T; counts: MessageCounts }> {
  const before = await snapshot(natsMonitorUrl, serverUrl, model);
  const result = await measure();
  // Statistics reach the scheduler with the executors' beats (at most once a second, issue 12):
  // wait two beats so every request measured is counted. The beats meanwhile are a few messages
  // against thousands of requests.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const after = await snapshot(natsMonitorUrl, serverUrl, model);
  return { result, counts: { published: after.inMsgs - before.inMsgs, delivered: after.outMsgs - before.outMsgs, requests: after.successes - before.successes } };
}

export function messagesLine(label: string, counts: MessageCounts): string {
  const per = (n: number) => (counts.requests > 0 ? (n / counts.requests).toFixed(2) : 'n/a');
  return `INFO ${label} NATS messages per request: ${per(counts.published)} published, ${per(counts.delivered)} delivered (over ${counts.requests} requests)`;
}

async function snapshot(natsMonitorUrl: string, serverUrl: string, model: string): Promise<Snapshot> {
  const varz = (await (await fetch(`${natsMonitorUrl}/varz`)).json()) as { in_msgs: number; out_msgs: number };
  const stats = (await (await fetch(`${serverUrl}/v2/models/${model}/stats`)).json()) as { model_stats: { inference_stats: { success: { count: number } } }[] };
  const successes = stats.model_stats.reduce((sum, version) => sum + version.inference_stats.success.count, 0);
  return { inMsgs: varz.in_msgs, outMsgs: varz.out_msgs, successes };
}
