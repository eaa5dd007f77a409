import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SUBJECTS, type ExecutorAnnouncement, type ExecutorBeat, type ExecutorLeaving, type SlotAnnouncement } from '@flotilla/contracts';
import { StatisticsDelta } from '@flotilla/execution';
import { ControlPlaneClient, InjectBus } from '@flotilla/service-kit';
import type { MessageBus } from '@flotilla/transport';
import { sharedMemoryId } from '@flotilla/tensor-files';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';
import { SlotTable } from './slot-table';

/**
 * Tells the fleet about this executor. Its full state (device, provider, every slot and its state:
 * an ExecutorAnnouncement) goes out when a slot changes, and when someone asks (`fleetResync`).
 * In between, every `heartbeatMs`, a beat says it is alive and at which revision, with the
 * statistics of the slots whose figures moved since the last message — so an idle executor sends
 * a few dozen bytes, not its whole state. Silence means death to every fleet view, so the timer
 * runs on the main thread, which inference never blocks (sessions run on the slots' threads).
 */
/** How long an executor back on the bus waits for its slots' threads to be back too. */
const RELINK_WAIT_MS = 10_000;

@Injectable()
export class Announcer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('executor');
  private timer?: NodeJS.Timeout;
  /** Lets a gateway on the same machine hand large tensors over through /dev/shm. */
  private readonly sharedMemoryId = sharedMemoryId();
  /** Unique to this process, so a restarted executor with the same id never repeats a revision. */
  private readonly incarnation = randomBytes(4).toString('hex');
  private changes = 0;
  /** An announcement waits for slots' threads to be back on NATS (see announce). */
  private waitingForThreads = false;
  private readonly statistics = new StatisticsDelta();
  /** RetiredStatistics' version last sent: beats carry the retired totals only when they moved. */
  private retiredSent = -1;

  constructor(
    private readonly control: ControlPlaneClient,
    @Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions,
    private readonly slots: SlotTable,
    @InjectBus() private readonly bus: MessageBus,
  ) {}

  onApplicationBootstrap(): void {
    const { executorId, device, executionProvider, simulated } = this.options;
    this.logger.log(`executor ${executorId} on ${device}: onnxruntime, ${executionProvider} execution provider${simulated ? ` — SIMULATED ${device}: a stand-in running on the CPU` : ''}`);
    this.slots.onChange(() => {
      this.changes++;
      this.announce();
    });
    this.timer = setInterval(() => this.beat(), this.options.heartbeatMs);
    // Back on the bus after an outage: the fleet's views forgot this executor, and whatever changed
    // meanwhile was announced to nobody. Say it all as soon as the slots can hear payloads again.
    this.bus.link.onChange((state) => state === 'up' && this.announce());
    this.announce();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.send(SUBJECTS.executorLeaving, { executorId: this.options.executorId } satisfies ExecutorLeaving);
  }

  /**
   * The full state, to everyone — once every slot's thread can hear its payloads. Each thread has
   * its own connection, which comes back after an outage on its own schedule (about when this one
   * does): announcing before would have the fleet send payloads where nobody listens yet, and a
   * scheduler would hold its slot busy with them. So while a thread is away the announcement waits
   * (calls meanwhile make one), up to RELINK_WAIT_MS, then goes regardless: a scheduler releases a
   * payload lost that way at its deadline.
   */
  announce(): void {
    if (this.slots.allThreadsLinked()) return this.sendAnnouncement();
    if (this.waitingForThreads) return;
    this.waitingForThreads = true;
    void this.announceWhenSlotsLinked().finally(() => (this.waitingForThreads = false));
  }

  private async announceWhenSlotsLinked(): Promise<void> {
    const giveUpAt = Date.now() + RELINK_WAIT_MS;
    while (!this.slots.allThreadsLinked() && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 10));
    if (!this.slots.allThreadsLinked()) this.logger.warn(`announcing although some slots' threads are not back on NATS after ${RELINK_WAIT_MS} ms`);
    this.sendAnnouncement();
  }

  private sendAnnouncement(): void {
    const slots = this.slots.announcements();
    this.statistics.sentAll(slots);
    const retired = this.slots.retiredStatistics();
    this.retiredSent = retired.version;
    void this.send(SUBJECTS.executorAnnounce, { ...this.announcement(slots), ...(retired.list.length ? { retired: retired.list } : {}) });
  }

  /**
   * A beat now, out of turn, with the statistics read now (the slots' threads count them in shared
   * memory, so nothing waits for a thread): the answer to a StatisticsFlush, whose sender waits for
   * it before it reads.
   */
  flush(token: string): void {
    this.beat(token);
  }

  private beat(flush?: string): void {
    const beat: ExecutorBeat = { executorId: this.options.executorId, revision: this.revision(), heartbeatMs: this.options.heartbeatMs, ...(flush ? { flush } : {}) };
    const stats = this.statistics.takeChanged(this.slots.announcements());
    const retired = this.slots.retiredStatistics();
    const retiredMoved = retired.version !== this.retiredSent;
    this.retiredSent = retired.version;
    void this.send(SUBJECTS.executorHeartbeat, { ...beat, ...(stats ? { stats } : {}), ...(retiredMoved ? { retired: retired.list } : {}) });
  }

  private announcement(slots: SlotAnnouncement[]): ExecutorAnnouncement {
    return {
      executorId: this.options.executorId,
      revision: this.revision(),
      device: this.options.device,
      backend: this.options.backend,
      executionProvider: this.options.executionProvider,
      simulated: this.options.simulated,
      pid: process.pid,
      host: this.options.hostName,
      heartbeatMs: this.options.heartbeatMs,
      sharedMemoryId: this.sharedMemoryId,
      slots,
    };
  }

  private revision(): string {
    return `${this.incarnation}.${this.changes}`;
  }

  private send(subject: string, body: object): Promise<void> {
    return this.control.emitEvent(subject, body).catch((error: Error) => this.logger.warn(`could not publish on ${subject}: ${error.message}`));
  }
}
