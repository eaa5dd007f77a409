import { FlagError } from '@flotilla/service-kit';
import { gatewayOptions } from './gateway.options';

const base = ['--nats-url', 'nats://127.0.0.1:4222'];

describe("the gateway's metrics flags (Triton's)", () => {
  it('serve /metrics on 8002, bound like the HTTP API, unless --allow-metrics=false', () => {
    expect(gatewayOptions(base).metrics).toEqual({ port: 8002, address: '0.0.0.0', config: { counterLatencies: true } });
    expect(gatewayOptions([...base, '--http-address', '127.0.0.1']).metrics?.address).toBe('127.0.0.1');
    expect(gatewayOptions([...base, '--metrics-address', '10.0.0.1', '--metrics-port', '9102']).metrics).toMatchObject({ port: 9102, address: '10.0.0.1' });
    expect(gatewayOptions([...base, '--allow-metrics=false']).metrics).toBeUndefined();
  });

  it('take --metrics-config counter_latencies, and refuse what Flotilla does not implement by name', () => {
    expect(gatewayOptions([...base, '--metrics-config', 'counter_latencies=false']).metrics?.config).toEqual({ counterLatencies: false });
    expect(() => gatewayOptions([...base, '--metrics-config=summary_latencies=true'])).toThrow(FlagError);
    expect(() => gatewayOptions([...base, '--metrics-config=summary_latencies=true'])).toThrow(/summary_latencies=true is not supported/);
    expect(() => gatewayOptions([...base, '--metrics-interval-ms', '100'])).toThrow(/unknown flag '--metrics-interval-ms'/);
  });
});
