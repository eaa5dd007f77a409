import { renderNatsConfig } from './nats-config';

describe('renderNatsConfig', () => {
  it('renders a lone server with the raised max_payload', () => {
    expect(renderNatsConfig({ listen: '127.0.0.1:4222', monitor: '127.0.0.1:8222' })).toBe(
      ['listen: 127.0.0.1:4222', 'max_payload: 8MB', 'max_pending: 64MB', 'write_deadline: "10s"', 'http: 127.0.0.1:8222', ''].join('\n'),
    );
  });

  it('renders a cluster block with every route quoted', () => {
    const text = renderNatsConfig({ listen: '0.0.0.0:4222', maxPayload: '2MB', cluster: { name: 'flotilla', listen: '0.0.0.0:6222', routes: ['nats-route://10.77.0.1:6222', 'nats-route://10.77.0.2:6222'] } });
    expect(text).toContain('max_payload: 2MB\n');
    expect(text).toContain('cluster {\n  name: "flotilla"\n  listen: 0.0.0.0:6222\n  routes: ["nats-route://10.77.0.1:6222", "nats-route://10.77.0.2:6222"]\n}\n');
  });
});
