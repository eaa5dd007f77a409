// Guards the rule the control plane exists for: the raw NATS client (MessageBus) carries only the
// hot path — inference frames, slot payloads, their replies, and releases. Every other message is
// a Nest handler and a ClientProxy call. A new `bus.subscribe(SUBJECTS.x…)` for a control subject
// fails here with the file that does it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const HOT_PATH_SUBJECTS = new Set(['infer', 'inferAt', 'slotReleased', 'slotReleasedGated', 'slotReleasedGatedAny', 'releasedTo', 'slotExecute', 'rateLimiterStage', 'rateLimiterUnstage', 'rateLimiterGiveBack', 'rateLimiterGrant', 'rateLimiterUnreachable', 'rateLimiterUndelivered']);
const RAW_CALL = /\b(?:bus|this\.bus)\.(subscribe|publish|request)\(\s*([^,]+),/g;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) yield path;
  }
}

describe('the raw NATS client', () => {
  it('is used for hot-path subjects only, everywhere in apps/ and libs/', () => {
    const offences: string[] = [];
    let calls = 0;
    for (const file of [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))]) {
      for (const [, method, target] of readFileSync(file, 'utf8').matchAll(RAW_CALL)) {
        calls++;
        const subject = /^SUBJECTS\.(\w+)/.exec(target.trim())?.[1];
        // Anything not named in SUBJECTS is a reply inbox or a slot's announced subject: hot path.
        if (subject !== undefined && !HOT_PATH_SUBJECTS.has(subject)) offences.push(`${relative(ROOT, file)}: bus.${method}(SUBJECTS.${subject})`);
      }
    }
    expect(calls).toBeGreaterThan(5); // the pattern still finds the hot path's calls
    expect(offences).toEqual([]);
  });
});
