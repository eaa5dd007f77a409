import { InstanceSlot } from './instance-slot';

const ref = { slotId: 'e/m_0', subject: 's.0', executorId: 'e', instance: 'm_0', device: 'cpu' as const, host: 'h', simulated: false };

describe('InstanceSlot', () => {
  it('moves idle → busy → idle and refuses moves that make no sense', () => {
    const slot = new InstanceSlot<string>(ref);
    expect(slot.occupancy).toBe('idle');
    expect(() => slot.release()).toThrow('slot e/m_0: cannot release while idle');
    slot.assign('p1');
    expect(slot.occupancy).toBe('busy');
    expect(() => slot.assign('p2')).toThrow(/cannot assign while busy with 1 of 1 payloads/);
    expect(slot.release()).toBe('p1');
    expect(slot.occupancy).toBe('idle');
  });

  it('holds up to its depth, releases in assignment order, and gives everything back on removal', () => {
    const slot = new InstanceSlot<string>(ref, 2);
    slot.assign('p1');
    slot.assign('p2');
    expect(slot.hasRoom).toBe(false);
    expect(slot.release()).toBe('p1');
    slot.assign('p3');
    expect(slot.remove()).toEqual(['p2', 'p3']);
    expect(slot.occupancy).toBe('removed');
    expect(() => slot.assign('p4')).toThrow(/cannot assign while removed/);
  });

  it('refuses a depth that is not a positive integer', () => {
    expect(() => new InstanceSlot(ref, 0)).toThrow('depth must be a positive integer');
  });
});
