/**
 * The supervisor: the root actor of a Parrot instance. Every transaction, dialog, handler
 * adapter and media session actor is created under it and shares its clock. A child that throws
 * is stopped by XState and reported here as `xstate.error.actor.<id>`; the supervisor runs that
 * child's crash handler (which answers for it: a 500 to its pending request, a BYE for its
 * dialog …) and every other actor goes on untouched. A child that reaches its final state is
 * reported as `xstate.done.actor.<id>` and its done handler unregisters it.
 *
 * Why children are not XState children of the supervisor (measured, XState 5.33):
 * - `spawnChild` copies the parent's `children` snapshot on every spawn: O(n) per call.
 * - `createActor(logic, { parent })` puts the child in the parent's actor system, and XState's
 *   scheduler cancels a stopping actor's timers by scanning every scheduled event of the whole
 *   system (`cancelAll`): O(n) per actor stop, O(n²) under load. At 1,000 live transactions that
 *   was a quarter of all CPU time.
 * So each child is a root actor with its own small system, created with the supervisor's clock;
 * its observer relays the same `xstate.done.actor.*` / `xstate.error.actor.*` events XState
 * would have sent a parent. The supervisor's own logic is a plain transition function, so those
 * events cost next to nothing; the registry's maps hold the children.
 */
import {
  createActor,
  fromTransition,
  type Actor,
  type AnyActorLogic,
  type AnyEventObject,
  type InputFrom,
} from 'xstate';
import { TrackedClock, type Clock } from './clock';

export interface SupervisorSnapshotContext {
  status: 'running' | 'stopping' | 'stopped';
  live: number;
  spawned: number;
  completed: number;
  crashed: number;
}

export type SupervisorEvent =
  | { type: 'supervisor.stopping' }
  | { type: 'supervisor.stopped' }
  | { type: 'supervisor.spawned' }
  | AnyEventObject;

/** What the supervisor does when a child finishes or crashes. */
export interface ChildHooks {
  /** The child reached its final state (or was stopped). */
  onDone?: () => void;
  /** The child threw; it is already stopped. Answer for it here. */
  onCrash?: (error: unknown) => void;
}

const ERROR_PREFIX = 'xstate.error.actor.';
const DONE_PREFIX = 'xstate.done.actor.';

function supervisorLogic(hooks: Map<string, ChildHooks>, onHookError: (error: unknown) => void) {
  return fromTransition(
    (ctx: SupervisorSnapshotContext, event: SupervisorEvent): SupervisorSnapshotContext => {
      const type = event.type;
      if (type.startsWith(DONE_PREFIX)) {
        const id = type.slice(DONE_PREFIX.length);
        const h = hooks.get(id);
        hooks.delete(id);
        safe(() => h?.onDone?.(), onHookError);
        ctx.live--;
        ctx.completed++;
        return ctx;
      }
      if (type.startsWith(ERROR_PREFIX)) {
        const id = type.slice(ERROR_PREFIX.length);
        const h = hooks.get(id);
        hooks.delete(id);
        safe(() => h?.onCrash?.((event as { error?: unknown }).error), onHookError);
        safe(() => h?.onDone?.(), onHookError);
        ctx.live--;
        ctx.crashed++;
        return ctx;
      }
      if (type === 'supervisor.spawned') {
        ctx.live++;
        ctx.spawned++;
      } else if (type === 'supervisor.stopping') ctx.status = 'stopping';
      else if (type === 'supervisor.stopped') ctx.status = 'stopped';
      return ctx;
    },
    { status: 'running', live: 0, spawned: 0, completed: 0, crashed: 0 },
  );
}

function safe(fn: () => void, onError: (e: unknown) => void): void {
  try {
    fn();
  } catch (e) {
    onError(e);
  }
}

/**
 * Owns the root actor and creates children under it.
 *
 * @example
 * const sup = new Supervisor({ clock });
 * const tx = sup.spawn(serverNonInviteTransactionMachine, { input }, { onDone: () => registry.delete(key) });
 */
export class Supervisor {
  readonly root: Actor<ReturnType<typeof supervisorLogic>>;
  private readonly hooks = new Map<string, ChildHooks>();
  private readonly children = new Map<string, Actor<AnyActorLogic>>();
  /** The clock every child shares (XState delays, and the runtime's own timers). */
  readonly clock: Clock;
  private nextId = 0;
  private spawned = 0;

  constructor(options: { clock?: Clock; onHookError?: (error: unknown) => void } = {}) {
    this.clock = options.clock ?? new TrackedClock();
    const onHookError =
      options.onHookError ??
      ((e: unknown) => {
        process.emitWarning(`parrot: supervisor hook failed: ${String(e)}`);
      });
    this.root = createActor(supervisorLogic(this.hooks, onHookError), { clock: this.clock });
    this.root.start();
  }

  /** The supervisor's counters: live, spawned, completed, crashed children. */
  get stats(): SupervisorSnapshotContext {
    const c = this.root.getSnapshot().context;
    return { ...c, spawned: this.spawned, live: this.children.size };
  }

  /** Live children. */
  get size(): number {
    return this.children.size;
  }

  /**
   * Creates and starts a child actor of the supervisor. `wire` runs before start, so listeners
   * for events emitted on entry (e.g. the first `transport.send`) are in place.
   */
  spawn<TLogic extends AnyActorLogic>(
    logic: TLogic,
    input: InputFrom<TLogic>,
    hooks: ChildHooks,
    wire?: (actor: Actor<TLogic>) => void,
    prefix = 'a',
  ): Actor<TLogic> {
    const id = prefix + ++this.nextId;
    const actor = createActor(logic, { id, input, clock: this.clock });
    this.hooks.set(id, {
      onDone: () => {
        this.children.delete(id);
        hooks.onDone?.();
      },
      onCrash: hooks.onCrash,
    });
    this.children.set(id, actor as Actor<AnyActorLogic>);
    this.spawned++;
    actor.subscribe({
      complete: () => this.root.send({ type: DONE_PREFIX + id }),
      error: (error: unknown) => this.root.send({ type: ERROR_PREFIX + id, error }),
    });
    wire?.(actor);
    actor.start();
    return actor;
  }

  /**
   * Stops every live child (their done hooks run, so registries empty) and then the root.
   * Used by `Parrot.stop()` after the graceful part is over.
   */
  stopAll(): void {
    this.root.send({ type: 'supervisor.stopping' });
    for (const [id, child] of [...this.children]) {
      // A child actor cannot be stopped with stop() (XState reserves that for roots): ask its
      // mailbox to stop, which runs the same stop procedure.
      child.send({ type: 'xstate.stop' });
      const h = this.hooks.get(id);
      this.hooks.delete(id);
      if (h)
        safe(
          () => h.onDone?.(),
          () => undefined,
        );
    }
    this.root.send({ type: 'supervisor.stopped' });
    this.root.stop();
  }
}
