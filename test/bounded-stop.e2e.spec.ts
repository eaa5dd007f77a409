// A stop is bounded (issue 13 item 3): with nats-server gone, every service still exits after
// SIGTERM, within its --exit-timeout-secs, instead of waiting forever on a dead bus.
import { startFlotilla, type TestFlotilla } from './support/flotilla';
import { testRepository } from './support/repository';

let flotilla: TestFlotilla;

beforeAll(async () => {
  flotilla = await startFlotilla({ name: 'bounded-stop', modelRepository: testRepository(), env: { FLOTILLA_EXIT_TIMEOUT_SECS: '2' } });
});

afterAll(() => flotilla?.stop());

it('exits every service on SIGTERM while nats-server is down, within the exit timeout', async () => {
  const nats = flotilla.cluster.natsServer.child;
  nats.kill('SIGKILL');
  await new Promise((resolve) => nats.once('exit', resolve));
  const names = flotilla.cluster.serviceNames();
  const exits = names.map((name) => {
    const service = flotilla.cluster.service(name);
    service.child.kill('SIGTERM');
    // Far above the 2 s timeout: this only tells "exited" from "hangs" (before, some never exited).
    return Promise.race([service.exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
  });
  const codes = await Promise.all(exits);
  expect(codes.map((code, i) => `${names[i]}: ${typeof code === 'number' ? 'exited' : code}`)).toEqual(names.map((name) => `${name}: exited`));
}, 30_000);
