import { FlagError } from '@flotilla/service-kit';
import { SchedulerModule } from './scheduler.module';

describe('the scheduler’s flags', () => {
  it('refuses a prefetch asked for by name with rate limiting on, where it would be ignored', () => {
    expect(() => SchedulerModule.fromArgv(['--rate-limit', 'execution_count', '--instance-prefetch', '3'])).toThrow(FlagError);
    expect(() => SchedulerModule.fromArgv(['--rate-limit', 'execution_count', '--instance-prefetch', '3'])).toThrow(/--instance-prefetch has no effect with --rate-limit=execution_count/);
  });

  it('takes the prefetch without rate limiting, and rate limiting with the default one', () => {
    expect(() => SchedulerModule.fromArgv(['--instance-prefetch', '3'])).not.toThrow();
    expect(() => SchedulerModule.fromArgv(['--rate-limit', 'execution_count'])).not.toThrow();
  });
});
