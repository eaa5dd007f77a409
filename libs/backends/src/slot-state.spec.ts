import { IllegalSlotTransitionError, SlotStateMachine } from './slot-state';

describe('SlotStateMachine', () => {
  it('walks the normal life of a slot', () => {
    const machine = new SlotStateMachine('slot s');
    expect(machine.state).toBe('loading');
    for (const next of ['idle', 'busy', 'idle', 'busy', 'idle', 'closed'] as const) {
      machine.moveTo(next);
      expect(machine.state).toBe(next);
    }
  });

  it('throws on an illegal transition and stays where it was', () => {
    const machine = new SlotStateMachine('slot s');
    expect(() => machine.moveTo('busy')).toThrow(IllegalSlotTransitionError);
    expect(() => machine.moveTo('busy')).toThrow('slot s: illegal state transition loading → busy');
    expect(machine.state).toBe('loading');
  });

  it('lets a failed slot only be closed, and a closed one go nowhere', () => {
    const machine = new SlotStateMachine('slot s');
    machine.moveTo('idle');
    machine.moveTo('failed');
    expect(machine.canMoveTo('idle')).toBe(false);
    expect(machine.canMoveTo('busy')).toBe(false);
    machine.moveTo('closed');
    for (const next of ['loading', 'idle', 'busy', 'failed', 'closed'] as const) expect(machine.canMoveTo(next)).toBe(false);
  });

  it('never allows a busy slot to take a second run', () => {
    const machine = new SlotStateMachine('slot s');
    machine.moveTo('idle');
    machine.moveTo('busy');
    expect(() => machine.moveTo('busy')).toThrow(/busy → busy/);
  });
});
