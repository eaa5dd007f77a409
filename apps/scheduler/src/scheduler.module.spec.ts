import { FlagError } from '@flotilla/service-kit';
import { SchedulerModule } from './scheduler.module';

describe('the scheduler’s flags', () => {
  it('takes a prefetch with rate limiting on (it applies to versions whose instances need no resources)', () => {
    expect(() => SchedulerModule.fromArgv(['--rate-limit', 'execution_count', '--instance-prefetch', '3'])).not.toThrow();
    expect(() => SchedulerModule.fromArgv(['--instance-prefetch', '3'])).not.toThrow();
  });

  it('refuses a prefetch outside 1…64 and an unknown rate-limit mode, naming them', () => {
    expect(() => SchedulerModule.fromArgv(['--instance-prefetch', '0'])).toThrow(FlagError);
    expect(() => SchedulerModule.fromArgv(['--instance-prefetch', '0'])).toThrow(/instance-prefetch/);
    expect(() => SchedulerModule.fromArgv(['--rate-limit', 'sometimes'])).toThrow(/invalid argument for --rate-limit/);
  });
});
