import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, type ExecutorAnnouncement, type ExecutorBeat, type ExecutorLeaving } from '@flotilla/contracts';
import { FleetView } from './fleet-view';

/** The executors' broadcasts, into this process's FleetView. */
@Controller()
export class FleetController {
  constructor(private readonly fleet: FleetView) {}

  @EventPattern(SUBJECTS.executorAnnounce)
  announced(@Payload() announcement: ExecutorAnnouncement): void {
    this.fleet.announced(announcement);
  }

  @EventPattern(SUBJECTS.executorHeartbeat)
  beat(@Payload() beat: ExecutorBeat): void {
    this.fleet.beat(beat);
  }

  @EventPattern(SUBJECTS.executorLeaving)
  left(@Payload() { executorId }: ExecutorLeaving): void {
    this.fleet.left(executorId);
  }
}
