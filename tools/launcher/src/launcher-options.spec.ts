import { launcherOptions } from './launcher-options';

describe('npm start flags', () => {
  it('starts the cpu executor alone by default', () => {
    const options = launcherOptions([]);
    expect(options !== 'help' && options.executors).toEqual([{ device: 'cpu' }]);
  });

  it('adds N stand-in GPU executors with --simulate-gpus, or one CUDA executor per --gpus id', () => {
    const simulated = launcherOptions(['--simulate-gpus', '2']);
    expect(simulated !== 'help' && simulated.executors).toEqual([{ device: 'cpu' }, { device: 'gpu:0', simulate: true }, { device: 'gpu:1', simulate: true }]);
    const real = launcherOptions(['--gpus=1,3']);
    expect(real !== 'help' && real.executors).toEqual([{ device: 'cpu' }, { device: 'gpu:1' }, { device: 'gpu:3' }]);
  });

  it('runs one scheduler unless told how many, and refuses a count that is not one', () => {
    expect(launcherOptions([])).toMatchObject({ schedulers: 1 });
    expect(launcherOptions(['--schedulers', '3'])).toMatchObject({ schedulers: 3 });
    expect(() => launcherOptions(['--schedulers', '0'])).toThrow(/--schedulers/);
  });

  it('refuses both at once, and GPU ids that are not ids', () => {
    expect(() => launcherOptions(['--simulate-gpus=1', '--gpus=0'])).toThrow('use either --simulate-gpus or --gpus, not both');
    expect(() => launcherOptions(['--gpus=zero'])).toThrow("--gpus must list GPU ids like 0,1, got 'zero'");
  });

  it('serves gRPC on 8001 unless told another port, or none with --allow-grpc false', () => {
    expect(launcherOptions([])).toMatchObject({ httpPort: 8000, grpcPort: 8001 });
    expect(launcherOptions(['--grpc-port', '9001'])).toMatchObject({ grpcPort: 9001 });
    const off = launcherOptions(['--allow-grpc', 'false']);
    expect(off !== 'help' && 'grpcPort' in off).toBe(false);
  });

  it('passes --trace-config to the gateway, refusing at once what the gateway would refuse', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318');
    expect(launcherOptions(['--trace-config', 'level=TIMESTAMPS', '--trace-config', 'rate=1'])).toMatchObject({
      gatewayFlags: ['--http-max-body-bytes', String(64 * 1024 * 1024), '--trace-config', 'level=TIMESTAMPS', '--trace-config', 'rate=1', '--metrics-address', '0.0.0.0'],
    });
    expect(() => launcherOptions(['--trace-config', 'triton,file=/tmp/t.json'])).toThrow(/triton,file/);
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    expect(() => launcherOptions(['--trace-config', 'level=TIMESTAMPS'])).toThrow(/needs an OTLP endpoint/);
    vi.unstubAllEnvs();
  });

  it('passes --http-max-body-bytes to the gateway, 64 MiB by default', () => {
    expect(launcherOptions([])).toMatchObject({ gatewayFlags: ['--http-max-body-bytes', String(64 * 1024 * 1024), '--metrics-address', '0.0.0.0'] });
    expect(launcherOptions(['--http-max-body-bytes', '1024', '--allow-metrics', 'false'])).toMatchObject({ gatewayFlags: ['--http-max-body-bytes', '1024'] });
    expect(() => launcherOptions(['--http-max-body-bytes', '0'])).toThrow();
  });

  it("serves /metrics on 8002 unless told otherwise, passing Triton's metrics flags to the gateway", () => {
    expect(launcherOptions([])).toMatchObject({ metricsPort: 8002 });
    const off = launcherOptions(['--allow-metrics=false']);
    expect(off !== 'help' && 'metricsPort' in off).toBe(false);
    const tuned = launcherOptions(['--metrics-port', '9102', '--metrics-address', '127.0.0.1', '--metrics-config', 'counter_latencies=false']);
    expect(tuned).toMatchObject({ metricsPort: 9102, gatewayFlags: expect.arrayContaining(['--metrics-address', '127.0.0.1', '--metrics-config', 'counter_latencies=false']) });
  });

  it('answers --help', () => {
    expect(launcherOptions(['--help'])).toBe('help');
  });
});
