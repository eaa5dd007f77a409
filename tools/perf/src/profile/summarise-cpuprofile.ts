// Reads a V8 .cpuprofile and says where the time went: self time per function and per area
// (node's http/net internals, the NATS client, Nest, OpenTelemetry, Flotilla's own libs, GC),
// as percentages of the time the thread was busy (idle excluded).

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber?: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
  /** Set by cpu-profile-preload: samples before this timestamp (µs) are outside the measured period. */
  readonly measuredFromUs?: number;
}

export interface SelfTime {
  readonly label: string;
  readonly selfUs: number;
  /** Of busy time: everything but (idle). */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalUs: number;
  readonly idleUs: number;
  readonly busyUs: number;
  readonly functions: readonly SelfTime[];
  readonly areas: readonly SelfTime[];
}

const IDLE = '(idle)';

export function summariseCpuProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node] as const));
  const selfUs = selfTimeByNode(profile);
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === IDLE) {
      idleUs += us;
      continue;
    }
    add(functions, functionLabel(frame), us);
    add(areas, areaOf(frame), us);
  }
  const busyUs = totalUs - idleUs;
  const ranked = (map: Map<string, number>, limit: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([label, us]) => ({ label, selfUs: us, percent: busyUs > 0 ? (100 * us) / busyUs : 0 }));
  return { totalUs, idleUs, busyUs, functions: ranked(functions, top), areas: ranked(areas, 12) };
}

/**
 * Each sample's time is the gap to the next sample (the last one gets the mean gap). Profiles
 * without samples fall back to hit counts spread evenly over the profile's length.
 */
export function selfTimeByNode(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    const meanGap = (profile.endTime - profile.startTime) / samples.length;
    let timestamp = profile.startTime;
    samples.forEach((id, index) => {
      timestamp += deltas[index];
      if (profile.measuredFromUs !== undefined && timestamp < profile.measuredFromUs) return;
      add(times, id, index + 1 < deltas.length ? Math.max(0, deltas[index + 1]) : meanGap);
    });
    return times;
  }
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const perHit = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
  for (const node of profile.nodes) if (node.hitCount) add(times, node.id, node.hitCount * perHit);
  return times;
}

export function functionLabel(frame: CpuProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

/** Which part of the stack a function belongs to, for the "by area" breakdown. */
export function areaOf(frame: CpuProfileNode['callFrame']): string {
  const url = frame.url;
  if (!url) return frame.functionName === '(garbage collector)' ? 'GC' : frame.functionName === '(program)' ? 'V8/native (program)' : `native ${frame.functionName}`;
  if (url.startsWith('node:')) return nodeArea(url.slice('node:'.length));
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  const own = /dist\/(libs|apps|tools)\/([^/]+)\//.exec(url);
  if (own) return own[1] === 'libs' ? `@flotilla/${own[2]}` : `${own[1]}/${own[2]}`;
  return shortUrl(url);
}

function nodeArea(path: string): string {
  if (/(^|\/)_?http|internal\/http/.test(path)) return 'node: http';
  if (/stream|net|tcp|pipe|dns|socket|stream_base/.test(path)) return 'node: net/streams';
  if (/worker|message|per_context\/messageport/.test(path)) return 'node: worker messaging';
  if (/timers|process\/task_queues|async_hooks|events/.test(path)) return 'node: timers/events/async';
  if (/buffer|util|encoding/.test(path)) return 'node: buffer/util';
  return `node: ${path.split('/').slice(0, 2).join('/')}`;
}

function shortUrl(url: string): string {
  const cut = url.search(/node_modules\/|dist\//);
  const path = cut >= 0 ? url.slice(cut) : url.replace(/^file:\/\//, '');
  return path.replace(/^dist\//, '');
}

function add(map: Map<string | number, number>, key: string | number, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}
