package lazymm.model.mem;

import lazymm.model.sim.Machine;

/**
 * How one memory mode performs accesses. The race detector's sync objects ride along with the
 * stores so that a load can hand the detector the sync of the store it read from
 * ({@link #lastSync}).
 */
abstract class Backend {

    final Machine machine;
    /** The race-detector sync of the store that the last load or RMW read from. */
    Object lastSync;

    Backend(Machine machine) { this.machine = machine; }

    /** A new location (its initial value is already in {@code l.val}). */
    void register(Loc l) {}

    /**
     * @param acquire smp_load_acquire: later accesses see at least what the store it read had seen
     * @param dep     the load of a pointer that will be dereferenced (address dependency)
     */
    abstract long load(Loc l, int cpu, boolean acquire, boolean dep);

    /** A load that reads the newest store (a spin that has seen its condition: see smp_cond_load). */
    long loadNewest(Loc l, int cpu, boolean acquire) { return load(l, cpu, acquire, false); }

    /** @param release smp_store_release: earlier accesses are visible before this store */
    abstract void store(Loc l, int cpu, long v, boolean release, Object sync);

    /** Returns the old value; writes {@code op.apply} if {@code op.writes}. */
    abstract long rmw(Loc l, int cpu, Rmw op, long a, long b, Order order, Object sync);

    /** An RMW on the one copy of memory (sc, and tso after the locked instruction drained). */
    final long rmwInMemory(Loc l, Rmw op, long a, long b, Object sync) {
        long old = l.val;
        lastSync = l.memSync;
        if (op.writes(old, a, b)) {
            l.val = op.apply(old, a, b);
            l.memSync = sync;
        }
        return old;
    }

    abstract void mb(int cpu);

    /**
     * The end of an RCU grace period that {@code caller} waited for in synchronize_rcu(): every
     * other CPU has passed a quiescent state, with the full barriers RCU puts there. What it
     * orders: the caller's accesses before the call before every other CPU's accesses after this,
     * and the other CPUs' accesses so far before the caller's after it. Default: a full barrier
     * on every CPU.
     */
    void gracePeriod(int caller, int cpus) {
        for (int c = 0; c < cpus; c++) mb(c);
    }

    /**
     * The start of a grace period that {@code caller} waits for in synchronize_rcu(), after its
     * full barrier: what a read-side critical section that starts after this point must see
     * (RCU's guarantee: the caller's accesses before the grace period happen before such a
     * critical section's accesses). Null when the mode needs nothing (sc, tso: the barrier has
     * made the caller's stores visible to all).
     */
    Object gracePeriodStart(int caller) { return null; }

    /** A read-side critical section starts on {@code cpu} while a grace period is in progress. */
    void readerAdopts(int cpu, Object start) {}

    /** A hash of what {@link #gracePeriodStart} returned. */
    long startHash(Object start) { return 0; }

    abstract void wmb(int cpu);

    abstract void rmb(int cpu);

    /** What a CPU does before it starts to spin for a lock (x86: the locked xchg drains). */
    void beforeLock(int cpu) {}

    /**
     * True when {@code cpu} would see the lock free now (what its xchg on the lock word would
     * read). Must not change any state: the scheduler calls it to know whether the CPU can run.
     */
    abstract boolean lockFree(SpinLock l, int cpu);

    /** The value of {@code l} in memory, for oracles (not what any CPU's buffer holds). */
    long peek(Loc l) { return l.val; }

    /** The value the program stored last to {@code l}, wherever it waits (store buffers included). */
    long peekLatest(Loc l) { return l.val; }

    int extraActions(int[] out, int off) { return 0; }

    void perform(int action) { throw new IllegalArgumentException("no action " + action); }

    String label(int action) { return "a" + action; }

    /** A hash of everything a future access could observe, for state caching. */
    abstract long stateHash(Loc[] locs, int nlocs);
}
