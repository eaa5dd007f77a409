import type { ServiceProcess } from './service-process';

/**
 * Polls `url` until it answers 200 — a gateway's `/v2/health/ready`, say — and fails at once,
 * naming it, when one of `services` exits meanwhile (waiting out the timeout for a service that
 * died while starting would only hide why). `describe` adds what a non-200 answer said.
 */
export async function waitUntilReady(
  url: string,
  services: Iterable<[string, ServiceProcess]>,
  options: { timeoutMs: number; pollMs: number; what: string; describe?: (response: Response) => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    for (const [name, service] of services) {
      if (!service.running) throw new Error(`${name} exited with code ${service.child.exitCode} while starting`);
    }
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
      last = `HTTP ${response.status}${options.describe ? ` ${options.describe(response)}` : ''}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
  throw new Error(`${options.what} was not ready after ${options.timeoutMs} ms (${last})`);
}
