import { IllegalWorkerTransitionError, WorkerStateMachine } from './worker-state';

describe('WorkerStateMachine', () => {
  it('walks the normal life of a slot thread', () => {
    const machine = new WorkerStateMachine('slot s');
    expect(machine.state).toBe('loading');
    for (const next of ['ready', 'closed'] as const) {
      machine.moveTo(next);
      expect(machine.state).toBe(next);
    }
  });

  it('throws on an illegal transition and stays where it was', () => {
    const machine = new WorkerStateMachine('slot s');
    machine.moveTo('ready');
    expect(() => machine.moveTo('loading')).toThrow(IllegalWorkerTransitionError);
    expect(() => machine.moveTo('ready')).toThrow('slot s: illegal state transition ready → ready');
    expect(machine.state).toBe('ready');
  });

  it('lets a failed thread only be closed, and a closed one go nowhere', () => {
    const machine = new WorkerStateMachine('slot s');
    machine.moveTo('ready');
    machine.moveTo('failed');
    expect(machine.canMoveTo('ready')).toBe(false);
    machine.moveTo('closed');
    for (const next of ['loading', 'ready', 'failed', 'closed'] as const) expect(machine.canMoveTo(next)).toBe(false);
  });
});
