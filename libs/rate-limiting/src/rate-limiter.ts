import type { DeviceName, RateLimiterStatus } from '@flotilla/contracts';
import { InstanceContext, type InstanceState } from './instance-context';
import { needsResources } from './needs-resources';
import { poolOf, type PoolKey } from './pool-key';
import type { ExplicitResources } from './rate-limit-resource-option';
import { ResourcePools, type PoolOwner } from './resource-pools';

/** One resource of an instance group's `rate_limiter` (structurally model-config's `ModelRateLimiterResource`). */
export interface RateLimiterResource {
  readonly name: string;
  readonly global: boolean;
  readonly count: number;
}

/** One instance to register: what `instancePlacements` gives for a non-passive instance, plus its id. */
export interface RateLimitedInstance {
  /** Unique among registered instances (e.g. the slot id). */
  readonly id: string;
  readonly model: string;
  readonly version: number;
  /** `cpu` counts per-device resources on device 0, as Triton does. */
  readonly device: DeviceName;
  readonly resources: readonly RateLimiterResource[];
  /** 0 is read as 1. */
  readonly priority: number;
}

export interface RateLimiterOptions {
  /** `--rate-limit-resource` values, parsed; empty (the default) sizes pools from the instances. */
  readonly explicitResources?: ExplicitResources;
  /**
   * How many backfill grants may take a resource the blocked head of the staged order needs before
   * it is reserved for it. Default: the number of registered instances at the time. 0 reserves at
   * once (Triton's fairness for contended resources, while uncontended ones still backfill).
   */
  readonly maxOvertakes?: number;
  /** Milliseconds, for wait times in snapshots only; default `performance.now`. */
  readonly clock?: () => number;
}

/**
 * Plain data for `GET /v2/flotilla/rate-limiter`: the wire's `RateLimiterStatus` without the mode
 * (staged instances in the order they would be tried; instances in registration order).
 */
export type RateLimiterSnapshot = Omit<RateLimiterStatus, 'rateLimit'>;

/**
 * Triton's rate limiter (triton-spec §2.3–2.4) for every instance of every model, as one
 * single-threaded, synchronous object. Used only with `--rate-limit=execution_count`; with `off`
 * callers do not construct one at all (see `rateLimiterFor`), so resources and priority are
 * ignored and can never fail a load (checklist 14).
 *
 * Who calls what:
 * - model load / unload → `register(instances)` (all of a model's instances at once; throws
 *   `ResourceLimitError` with Triton's text and registers none) and `remove(id)`;
 * - the scheduler side: `stage(id)` when an idle instance has work, `unstage(id)` when that work
 *   went away before a grant, `release(id)` when its execution finished (an instance that needs
 *   no resources never waits, so the scheduler does not ask for it: see `needsResources`);
 * - after any of those, `grants()`: the ids that may execute now, in grant order. The caller
 *   dispatches one payload to each; they are `allocated` until released. It is never called
 *   implicitly, so a caller can batch several stages and releases before deciding;
 * - while an instance executes, `successorOf(id, …)`: the instance its release would be granted
 *   to first, when the caller can hand the resources over directly (the executor does, in process,
 *   and the caller applies it as `release(id)` + `takeHandOver(successor)`).
 *
 * Order: staged instances are tried by `executions × priority`, lowest first; ties go to the
 * instance registered first (Triton leaves ties to its heap). `grants()` loops until nothing more
 * fits, so one release can wake several instances; Triton allocates at most once per event, which
 * only delays grants and does not change the order.
 *
 * Unlike Triton, the head of the order does not block those behind it (Triton's head-of-line
 * blocking, core#448). When the head H cannot allocate, later staged instances whose resources
 * are free are granted (backfill). The bound on H's wait: while H is the head and blocked, at most
 * `maxOvertakes` backfill grants to instances that need a (pool, name) H also needs are made;
 * after that, such instances are held back until H is granted, so H gets its resources as soon
 * as the instances holding them at that moment release enough. Instances that share no resource
 * with H are always backfilled: they cannot delay H. A count rather than a time, because grants
 * only happen on stage/release events (a deadline would be noticed at the next event anyway), a
 * count is deterministic and needs no timer, and it does not depend on how long models execute.
 * The default (the number of registered instances) lets about one turn of every other instance
 * pass a blocked head. Instances staged later with a lower `executions × priority` still go before
 * H, as in Triton: that is the fair order, not backfill.
 */
export class RateLimiter {
  private readonly pools: ResourcePools;
  private readonly contexts = new Map<string, InstanceContext>();
  /** Each instance's registration in the pools, kept so grants and releases do no lookups there. */
  private readonly owners = new Map<InstanceContext, PoolOwner>();
  private readonly resourcePools = new Map<string, readonly PoolKey[]>();
  /** Staged instances sorted by (scaledPriority, sequence); the key does not change while staged. */
  private staged: InstanceContext[] = [];
  private sequence = 0;
  private readonly clock: () => number;

  constructor(private readonly options: RateLimiterOptions = {}) {
    if (options.maxOvertakes !== undefined && (!Number.isInteger(options.maxOvertakes) || options.maxOvertakes < 0)) {
      throw new Error(`rate limiter: maxOvertakes must be an integer ≥ 0, got ${options.maxOvertakes}`);
    }
    this.pools = new ResourcePools(options.explicitResources ?? []);
    this.clock = options.clock ?? (() => performance.now());
  }

  /**
   * Registers a model's instances, all or none; they start idle with 0 executions (so, as in
   * Triton, a newly loaded instance wins ties until it catches up). Throws `ResourceLimitError`.
   */
  register(instances: readonly RateLimitedInstance[]): void {
    for (const instance of instances) {
      if (this.contexts.has(instance.id)) throw new Error(`rate limiter: instance ${instance.id} is already registered`);
    }
    this.pools.add(
      instances.map((instance) => ({
        id: instance.id,
        needs: instance.resources.map((r) => ({ pool: poolOf(instance.device, r.global), name: r.name, count: r.count })),
      })),
    );
    for (const instance of instances) {
      const priority = Math.max(instance.priority, 1);
      const context = new InstanceContext(instance.id, instance.model, instance.version, instance.device, priority, this.sequence++, needsResources(instance.resources));
      this.contexts.set(instance.id, context);
      this.owners.set(context, this.pools.owner(instance.id));
      this.resourcePools.set(instance.id, [...new Set(instance.resources.map((r) => poolOf(instance.device, r.global)))]);
    }
  }

  /**
   * Forgets an instance in any state: a staged one leaves the order, an allocated one gives its
   * resources back (its execution's `release` must then not be sent). Pools are resized. Call
   * `grants()` afterwards: freed resources may wake others.
   */
  remove(id: string): void {
    const context = this.contextOf(id);
    const from = context.remove();
    if (from === 'staged') this.staged.splice(this.staged.indexOf(context), 1);
    this.contexts.delete(id);
    this.owners.delete(context);
    this.resourcePools.delete(id);
    this.pools.remove(id);
  }

  /** The instance has work: it waits for a grant. It must be idle. */
  stage(id: string): void {
    const context = this.contextOf(id);
    context.stage(this.clock());
    const staged = this.staged;
    const key = context.scaledPriority;
    let low = 0;
    let high = staged.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = staged[mid];
      const otherKey = other.scaledPriority;
      if (otherKey < key || (otherKey === key && other.sequence < context.sequence)) low = mid + 1;
      else high = mid;
    }
    staged.splice(low, 0, context);
  }

  /** Its work went elsewhere before a grant: back to idle. It must be staged. */
  unstage(id: string): void {
    const context = this.contextOf(id);
    context.unstage();
    this.staged.splice(this.staged.indexOf(context), 1);
  }

  /** Its execution finished: resources back, one more execution counted, idle again. */
  release(id: string): void {
    const context = this.contextOf(id);
    context.release();
    this.pools.releaseOwner(this.owners.get(context)!);
  }

  /**
   * Whether the instance's group needs anything from a pool, i.e. whether it runs only on grants.
   * One that needs nothing could never wait (nothing it takes can run out, and it contends with
   * nobody), so the scheduler runs it directly and it stays idle here, with no executions counted:
   * its executor reports them.
   */
  needsResources(id: string): boolean {
    return this.contextOf(id).needsResources;
  }

  /**
   * An execution this limiter never granted is running (a restarted rate limiter learns it from the
   * schedulers): the instance holds its resources from now, even past a pool's total, and its
   * release gives them back as for a grant. It must be idle or staged.
   */
  adopt(id: string): void {
    const context = this.contextOf(id);
    if (context.state === 'staged') this.unstage(id);
    context.adopt();
    this.pools.takeOwner(this.owners.get(context)!);
  }

  /**
   * The instance runs on resources another instance handed it directly, as predicted by
   * `successorOf` (its caller applies the holder's `release` first): `adopt`, counted as a
   * hand-over, which the snapshot shows.
   */
  takeHandOver(id: string): void {
    this.adopt(id);
    this.contextOf(id).handOvers++;
  }

  /**
   * A grant came back unused: the scheduler had no work left for the instance when the grant
   * arrived (its requests expired meanwhile). Resources back, idle again, no execution counted.
   */
  giveBack(id: string): void {
    const context = this.contextOf(id);
    context.giveBack();
    this.pools.releaseOwner(this.owners.get(context)!);
  }

  /**
   * Every grant that can be made now, in grant order: each returned instance holds its resources
   * and is `allocated`. One pass over the staged order suffices: grants only take resources, so
   * an instance that did not fit earlier in the pass cannot fit later in it.
   */
  grants(): string[] {
    const granted: string[] = [];
    const staged = this.staged;
    const bound = this.options.maxOvertakes ?? this.contexts.size;
    const pools = this.pools;
    const owners = this.owners;
    let head: InstanceContext | undefined;
    let headOwner: PoolOwner | undefined;
    let kept = 0;
    for (let i = 0; i < staged.length; i++) {
      const context = staged[i];
      const owner = owners.get(context)!;
      let grant: boolean;
      if (head === undefined) {
        grant = pools.allocateOwner(owner);
        if (!grant) {
          head = context;
          headOwner = owner;
        }
      } else {
        const contends = pools.overlapOwners(owner, headOwner!);
        grant = !(contends && head.overtakes >= bound) && pools.allocateOwner(owner);
        if (grant && contends) head.overtakes++;
      }
      if (grant) {
        context.allocate();
        granted.push(context.id);
      } else {
        staged[kept++] = context;
      }
    }
    staged.length = kept;
    return granted;
  }

  /**
   * Who should get `holderId`'s resources the moment its execution ends, without asking again: the
   * instance `grants()` would grant first if the holder released now. That is the head of the
   * staged order — or the holder itself, when it is `restaged` (staged again behind its own
   * execution) and its next key, one execution later, sorts first. A holder that is not restaged
   * but would sort first if it were gets no prediction: it may still be staged before it finishes,
   * so the prediction holds whether or not that happens. The predicted instance's needs must be
   * within what the holder holds (so the hand-over never allocates more than is allocated now,
   * whatever else happens meanwhile), and `eligible` must accept it (the caller can hand it over
   * directly); otherwise undefined, and the holder's release goes the usual way. A pure prediction:
   * nothing is reserved, so a caller must recognise a hand-over that arrives after the successor
   * was granted otherwise. The holder must be allocated.
   */
  successorOf(holderId: string, restaged: boolean, eligible: (id: string) => boolean): string | undefined {
    const holder = this.contextIn(holderId, 'allocated', 'have a successor');
    const head = this.staged[0];
    if (sortsBefore(holder.scaledPriorityAfterRelease, holder, head)) return restaged && eligible(holderId) ? holderId : undefined;
    return this.handOverTo(holder, head, eligible);
  }

  /**
   * The same prediction one step ahead, for a staged `successorId` that `holderId` is predicted to
   * hand over to (`successorOf`): who `successorId` hands over to in turn, once the holder released
   * (one more execution, staged again if `holderRestaged`) and it adopted the resources. Made while
   * the successor still waits, so that its executor knows it before the successor starts (an
   * executing slot's thread hears nothing until its model returns).
   */
  successorAfterHandOver(holderId: string, successorId: string, holderRestaged: boolean, eligible: (id: string) => boolean): string | undefined {
    const holder = this.contextIn(holderId, 'allocated', 'hand over');
    const successor = this.contextIn(successorId, 'staged', 'be handed over to');
    const head = this.staged[0] === successor ? this.staged[1] : this.staged[0];
    const holderKey = holder.scaledPriorityAfterRelease;
    const holderFirst = holderRestaged && sortsBefore(holderKey, holder, head);
    const next = holderFirst ? holder : head;
    if (next === undefined || sortsBefore(successor.scaledPriorityAfterRelease, successor, next, holderFirst ? holderKey : undefined)) return undefined;
    return this.handOverTo(successor, next, eligible);
  }

  /** Whether an instance is registered (an instance that failed to register never was). */
  has(id: string): boolean {
    return this.contexts.has(id);
  }

  state(id: string): InstanceState {
    return this.contextOf(id).state;
  }

  snapshot(): RateLimiterSnapshot {
    const now = this.clock();
    return {
      pools: this.pools.snapshot(),
      staged: this.staged.map((c) => ({ id: c.id, waitingMs: now - c.stagedAt, overtakes: c.overtakes })),
      instances: [...this.contexts.values()].map((c) => ({
        id: c.id,
        model: c.model,
        version: c.version,
        device: c.device,
        pools: this.resourcePools.get(c.id)!,
        priority: c.priority,
        executions: c.executions,
        handOvers: c.handOvers,
        state: c.state as Exclude<InstanceState, 'removed'>,
      })),
    };
  }

  /** `candidate`, when `holder`'s resources cover its needs and the caller can hand them over. */
  private handOverTo(holder: InstanceContext, candidate: InstanceContext | undefined, eligible: (id: string) => boolean): string | undefined {
    if (candidate === undefined || !eligible(candidate.id)) return undefined;
    return this.pools.covers(this.owners.get(holder)!, this.owners.get(candidate)!) ? candidate.id : undefined;
  }

  private contextIn(id: string, state: InstanceState, action: string): InstanceContext {
    const context = this.contextOf(id);
    if (context.state !== state) throw new Error(`rate limiter: instance ${id} cannot ${action} while ${context.state}`);
    return context;
  }

  private contextOf(id: string): InstanceContext {
    const context = this.contexts.get(id);
    if (context === undefined) throw new Error(`rate limiter: unknown instance ${id}`);
    return context;
  }
}

/**
 * Whether an instance staged at `key` (its `sequence` breaking ties) would be tried before `other`
 * (at `otherKey`, default its current key): the staged order's comparison. Before nobody: true.
 */
function sortsBefore(key: number, { sequence }: InstanceContext, other: InstanceContext | undefined, otherKey = other?.scaledPriority): boolean {
  if (other === undefined) return true;
  return key < otherKey! || (key === otherKey && sequence < other.sequence);
}
