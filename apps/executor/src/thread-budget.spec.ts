import type { Logger } from '@nestjs/common';
import { activeSlotsOf, ThreadBudget } from './thread-budget';
import { plannedSlot } from './testing/planned-slot';

const logger = () => ({ warn: vi.fn() }) as unknown as Logger & { warn: ReturnType<typeof vi.fn> };

describe('ThreadBudget', () => {
  it('shares the cores among a model’s active slots unless the config sets a count', () => {
    const budget = new ThreadBudget(8, logger());
    expect(budget.intraOpThreads(plannedSlot(), 2)).toBe(4);
    expect(budget.intraOpThreads(plannedSlot(), 0)).toBe(8);
    expect(budget.intraOpThreads(plannedSlot({ intraOpThreads: 3 }), 2)).toBe(3);
  });

  it('counts passive instances out', () => {
    const plans = [plannedSlot(), plannedSlot({ passive: true }), plannedSlot({ model: 'other' })];
    expect(activeSlotsOf(plans, 'double')).toBe(1);
  });

  it('warns once per oversubscribed onnxruntime model, never for a javascript one', () => {
    const log = logger();
    const budget = new ThreadBudget(2, log);
    const plans = [plannedSlot({ intraOpThreads: 2 }), plannedSlot({ intraOpThreads: 2 }), plannedSlot({ model: 'js', backend: 'javascript', intraOpThreads: 4 })];
    budget.warnOversubscription(plans);
    budget.warnOversubscription(plans);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][0]).toMatch(/^model 'double': 2 instance slot\(s\) × 2 intra-op thread\(s\) = 4 threads on 2 core\(s\)/);
  });
});
