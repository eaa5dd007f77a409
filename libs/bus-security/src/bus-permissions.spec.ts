import { SUBJECTS } from '@flotilla/contracts';
import { BUS_PERMISSIONS, JETSTREAM_API, permissionsWith, permits, SERVICE_IDENTITIES, subjectMatches } from './bus-permissions';

describe('subjectMatches', () => {
  it('follows NATS wildcards: * is one token, > is one or more at the end', () => {
    expect(subjectMatches('flotilla.executor.*.slot.*', 'flotilla.executor.cpu-1.slot.3')).toBe(true);
    expect(subjectMatches('flotilla.executor.*.slot.*', 'flotilla.executor.announce')).toBe(false);
    expect(subjectMatches('flotilla.executor.*.slot.*', 'flotilla.executor.cpu-1.slot.3.x')).toBe(false);
    expect(subjectMatches('_INBOX.>', '_INBOX.abc.def')).toBe(true);
    expect(subjectMatches('_INBOX.>', '_INBOX')).toBe(false);
    expect(subjectMatches('flotilla.infer', 'flotilla.infer')).toBe(true);
    expect(subjectMatches('flotilla.infer', 'flotilla.inference')).toBe(false);
  });
});

describe('each service may say only its own part', () => {
  const slot = SUBJECTS.slotExecute('cpu-1a2b3c', 7);

  it('the gateway sends inferences and control requests, and announces no executor', () => {
    const gateway = BUS_PERMISSIONS.gateway;
    for (const subject of [SUBJECTS.infer, SUBJECTS.repositoryLoad, SUBJECTS.schedulerStatus, SUBJECTS.health('executor'), SUBJECTS.fleetResync, '_INBOX.x.y']) {
      expect([subject, permits(gateway, 'publish', subject)]).toEqual([subject, true]);
    }
    for (const subject of [SUBJECTS.executorAnnounce, SUBJECTS.executorHeartbeat, SUBJECTS.executorLeaving, slot, SUBJECTS.slotReleased, SUBJECTS.repositoryEvents, SUBJECTS.rateLimiterGrant('s1'), SUBJECTS.schedulerHeartbeat]) {
      expect([subject, permits(gateway, 'publish', subject)]).toEqual([subject, false]);
    }
    // It hears no payload meant for a slot, and takes no inference off the schedulers' queue.
    expect(permits(gateway, 'subscribe', slot)).toBe(false);
    expect(permits(gateway, 'subscribe', SUBJECTS.infer)).toBe(false);
  });

  it('an executor announces itself, answers and releases, and sends no inference nor payload', () => {
    const executor = BUS_PERMISSIONS.executor;
    for (const subject of [SUBJECTS.executorAnnounce, SUBJECTS.executorHeartbeat, SUBJECTS.executorLeaving, SUBJECTS.slotReleased, SUBJECTS.slotReleasedGated, SUBJECTS.repositoryIndex, '_INBOX.gw.1']) {
      expect([subject, permits(executor, 'publish', subject)]).toEqual([subject, true]);
    }
    for (const subject of [SUBJECTS.infer, slot, SUBJECTS.repositoryEvents, SUBJECTS.rateLimiterGrant('s1'), SUBJECTS.fleetResync, SUBJECTS.statisticsFlush]) {
      expect([subject, permits(executor, 'publish', subject)]).toEqual([subject, false]);
    }
    expect(permits(executor, 'subscribe', slot)).toBe(true);
    expect(permits(executor, 'subscribe', SUBJECTS.infer)).toBe(false);
  });

  it('only the scheduler hands payloads to slots and takes inferences; only the rate limiter grants; only the repository tells of models', () => {
    const who = (operation: 'publish' | 'subscribe', subject: string) => SERVICE_IDENTITIES.filter((identity) => permits(BUS_PERMISSIONS[identity], operation, subject));
    expect(who('publish', slot)).toEqual(['scheduler']);
    expect(who('subscribe', SUBJECTS.infer)).toEqual(['scheduler']);
    // The scheduler too: a stopping scheduler hands its queue to another over the shared subject.
    expect(who('publish', SUBJECTS.infer)).toEqual(['gateway', 'scheduler']);
    // Parking: only the rate limiter's grant starts a payload parked at a slot.
    expect(who('publish', SUBJECTS.slotGo(SUBJECTS.slotExecute('cpu-1', 2)))).toEqual(['rate-limiter']);
    expect(who('publish', SUBJECTS.rateLimiterGrant('s1'))).toEqual(['rate-limiter']);
    expect(who('publish', SUBJECTS.repositoryEvents)).toEqual(['model-repository']);
    expect(who('publish', SUBJECTS.executorAnnounce)).toEqual(['executor']);
    expect(who('subscribe', SUBJECTS.repositoryLoad)).toEqual(['model-repository']);
    // A release reaches the scheduler; a gated one the rate limiter too.
    expect(who('subscribe', SUBJECTS.slotReleased)).toEqual(['scheduler']);
    expect(who('subscribe', SUBJECTS.slotReleasedGated)).toEqual(['scheduler', 'rate-limiter']);
  });

  it('every identity reads only answers to its own requests, and answers anyone', () => {
    for (const identity of [...SERVICE_IDENTITIES, 'probe'] as const) {
      const permissions = BUS_PERMISSIONS[identity];
      expect(permits(permissions, 'subscribe', `_INBOX.${identity}.NUID123.coalescing.1`)).toBe(true);
      expect(permits(permissions, 'subscribe', '_INBOX.NUID123')).toBe(false);
      expect(permits(permissions, 'subscribe', '_INBOX.>')).toBe(false);
      for (const other of SERVICE_IDENTITIES.filter((name) => name !== identity)) expect(permits(permissions, 'subscribe', `_INBOX.${other}.NUID123`)).toBe(false);
    }
    for (const identity of SERVICE_IDENTITIES) expect(permits(BUS_PERMISSIONS[identity], 'publish', '_INBOX.gateway.NUID123.coalescing.1')).toBe(true);
  });

  it('every service answers its own health probe, and no other', () => {
    for (const identity of SERVICE_IDENTITIES) {
      expect(permits(BUS_PERMISSIONS[identity], 'subscribe', SUBJECTS.health(identity))).toBe(true);
      const other = SERVICE_IDENTITIES.find((name) => name !== identity)!;
      expect(permits(BUS_PERMISSIONS[identity], 'subscribe', SUBJECTS.health(other))).toBe(false);
    }
  });

  it('the probe asks health and nothing else', () => {
    expect(permits(BUS_PERMISSIONS.probe, 'publish', SUBJECTS.health('scheduler'))).toBe(true);
    expect(permits(BUS_PERMISSIONS.probe, 'publish', SUBJECTS.infer)).toBe(false);
    expect(permits(BUS_PERMISSIONS.probe, 'subscribe', SUBJECTS.executorAnnounce)).toBe(false);
  });

  it('a feature adds permissions to the identities that need them, and only to those', () => {
    const table = permissionsWith({ 'rate-limiter': JETSTREAM_API });
    expect(permits(table['rate-limiter'], 'publish', '$JS.API.STREAM.INFO.KV_pools')).toBe(true);
    expect(permits(table.gateway, 'publish', '$JS.API.STREAM.INFO.KV_pools')).toBe(false);
    expect(permits(BUS_PERMISSIONS['rate-limiter'], 'publish', '$JS.API.STREAM.INFO.KV_pools')).toBe(false);
    // Everything an identity had, it keeps.
    expect(table['rate-limiter'].publish).toEqual(expect.arrayContaining([...BUS_PERMISSIONS['rate-limiter'].publish]));
  });

  it('the repository writes the model store; an executor only reads it', () => {
    const { executor } = BUS_PERMISSIONS;
    const repository = BUS_PERMISSIONS['model-repository'];
    expect(permits(repository, 'publish', '$JS.API.STREAM.PURGE.OBJ_flotilla-models')).toBe(true);
    expect(permits(repository, 'publish', '$O.flotilla-models.C.abc')).toBe(true);
    expect(permits(executor, 'publish', '$JS.API.STREAM.MSG.GET.OBJ_flotilla-models')).toBe(true);
    expect(permits(executor, 'publish', '$JS.API.STREAM.PURGE.OBJ_flotilla-models')).toBe(false);
    expect(permits(executor, 'publish', '$O.flotilla-models.C.abc')).toBe(false);
    expect(permits(BUS_PERMISSIONS.gateway, 'publish', '$JS.API.INFO')).toBe(false);
  });
});
