import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, type ExecutorAnnouncement, type ExecutorBeat, type ExecutorLeaving } from '@flotilla/contracts';
import { FleetView } from './fleet-view';

/** The executors' announcements and departures, into this process's FleetView: the fleet's membership. */
@Controller()
export class FleetController {
  constructor(private readonly fleet: FleetView) {}

  @EventPattern(SUBJECTS.executorAnnounce)
  announced(@Payload() announcement: ExecutorAnnouncement): void {
    this.fleet.announced(announcement);
  }

  @EventPattern(SUBJECTS.executorLeaving)
  left(@Payload() { executorId }: ExecutorLeaving): void {
    this.fleet.left(executorId);
  }
}

/**
 * The executors' beats, into this process's FleetView: who is still alive, and the statistics
 * that changed. Only for services that act on an executor dying (provide FLEET_LIVENESS = true).
 */
@Controller()
export class FleetLivenessController {
  constructor(private readonly fleet: FleetView) {}

  @EventPattern(SUBJECTS.executorHeartbeat)
  beat(@Payload() beat: ExecutorBeat): void {
    this.fleet.beat(beat);
  }
}
