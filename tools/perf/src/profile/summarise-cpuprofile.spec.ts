import { areaOf, selfTimeByNode, summariseCpuProfile, type CpuProfile } from './summarise-cpuprofile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/** root → idle, root → a (gateway), a → b (nats client), plus GC. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('route', 'file:///work/main/dist/apps/gateway/src/kserve.router.js', 9), children: [4] },
    { id: 4, callFrame: frame('publish', 'file:///work/main/node_modules/@nats-io/nats-core/lib/nats.js', 99) },
    { id: 5, callFrame: frame('(garbage collector)') },
  ],
  startTime: 0,
  endTime: 1000,
  // Sample i lasts until sample i+1: idle 100+100, route 100, publish 300+200; the last (GC) gets the mean gap, 1000/6.
  samples: [2, 2, 3, 4, 4, 5],
  timeDeltas: [0, 100, 100, 100, 300, 200],
};

describe('selfTimeByNode', () => {
  it('gives each sample the time until the next one', () => {
    const times = selfTimeByNode(profile);
    expect(times.get(2)).toBe(200);
    expect(times.get(3)).toBe(100);
    expect(times.get(4)).toBe(500);
    expect(times.get(5)).toBeCloseTo(1000 / 6);
  });

  it('counts only samples from the measured period when the profile marks one', () => {
    // Sample timestamps: 0, 100, 200, 300, 600, 800.
    const times = selfTimeByNode({ ...profile, measuredFromUs: 250 });
    expect(times.get(2)).toBeUndefined();
    expect(times.get(3)).toBeUndefined();
    expect(times.get(4)).toBe(500);
  });

  it('falls back to hit counts when the profile has no samples', () => {
    const hits: CpuProfile = { ...profile, samples: undefined, timeDeltas: undefined, nodes: profile.nodes.map((n) => ({ ...n, hitCount: n.id === 4 ? 3 : n.id === 2 ? 1 : 0 })) };
    expect(selfTimeByNode(hits).get(4)).toBe(750);
  });
});

describe('summariseCpuProfile', () => {
  it('ranks functions and areas by self time as a share of busy time', () => {
    const summary = summariseCpuProfile(profile);
    expect(summary.idleUs).toBe(200);
    expect(summary.busyUs).toBe(summary.totalUs - 200);
    expect(summary.functions[0].label).toBe('publish node_modules/@nats-io/nats-core/lib/nats.js:100');
    expect(summary.functions[0].percent).toBeCloseTo((100 * 500) / summary.busyUs);
    expect(summary.areas.map((a) => a.label)).toEqual(['@nats-io/nats-core', 'GC', 'apps/gateway']);
  });
});

describe('areaOf', () => {
  it('names node internals, packages and Flotilla’s own code', () => {
    expect(areaOf(frame('writev', 'node:internal/stream_base_commons'))).toBe('node: net/streams');
    expect(areaOf(frame('parserOnHeadersComplete', 'node:_http_common'))).toBe('node: http');
    expect(areaOf(frame('x', 'file:///w/node_modules/@nestjs/microservices/x.js'))).toBe('@nestjs/microservices');
    expect(areaOf(frame('x', 'file:///w/node_modules/rxjs/dist/x.js'))).toBe('rxjs');
    expect(areaOf(frame('encodeFrame', 'file:///w/dist/libs/contracts/src/frame.js'))).toBe('@flotilla/contracts');
    expect(areaOf(frame('(program)'))).toBe('V8/native (program)');
  });
});
