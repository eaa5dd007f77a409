import { cpuMsByProcess, processCpuMs } from './process-cpu';

describe('processCpuMs', () => {
  it('grows by about the CPU time this process spends', () => {
    const before = processCpuMs(process.pid);
    const started = process.cpuUsage();
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += Math.sqrt(i);
    const spent = process.cpuUsage(started);
    const grown = processCpuMs(process.pid) - before;
    expect(x).toBeGreaterThan(0);
    expect(grown).toBeGreaterThan(((spent.user + spent.system) / 1000) * 0.5);
  });

  it('reads 0 for a process that is not there', () => {
    expect(processCpuMs(2 ** 22 + 1)).toBe(0);
    expect(cpuMsByProcess(new Map([['gone', 2 ** 22 + 1]]))).toEqual(new Map([['gone', 0]]));
  });
});
