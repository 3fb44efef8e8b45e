package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.sim.Ghost;

/**
 * RCU (kernel/rcu/tree.c, v7.1.5), as much as these paths need: synchronize_rcu() and
 * call_rcu(). A grace period has elapsed for a CPU once it has passed a quiescent state since
 * it started: a context switch, the idle loop, or user mode (a task between kernel paths); an
 * offline CPU is ignored. synchronize_rcu() returns once every other online CPU has; a callback
 * queued by call_rcu() becomes ready once every online CPU (the queuing one too) has, and then
 * runs in softirq context on the CPU that queued it (rcu_core from RCU_SOFTIRQ): at the exit of
 * an interrupt, or at local_bh_enable(). A CPU with ready callbacks and interrupts and softirqs
 * on gets a scheduler tick pending ({@link #tickWanted}), so the scheduler chooses when the
 * callbacks run; CPUs without ready callbacks get no tick, which keeps the schedules of the
 * variants without call_rcu() users what they were.
 *
 * <p>Left out: grace-period numbers and the GP kthread (readiness is computed from the
 * quiescent states directly), callback batching, rcu_barrier, expedited grace periods, and the
 * migration of an offline CPU's callbacks (rcutree_migrate_callbacks): they wait until the end
 * of the program, where the boot CPU adopts them.
 */
@KernelFile("kernel/rcu/tree.c")
final class Rcu {

    private final Kernel k;

    /** One queued callback (struct rcu_head with its func): the quiescent-state counts when it was queued. */
    private record Callback(Runnable func, String what, long[] qsAt) {}

    /** Each CPU's callbacks, in the order call_rcu() queued them. */
    @Ghost private final List<List<Callback>> cbs = new ArrayList<>();
    /** Quiescent states of each CPU besides its context switches (a task leaving its kernel path). */
    @Ghost private final long[] qs;

    /**
     * Bumped whenever an input of a callback's readiness other than cpu_online_mask changes: a
     * CPU's quiescent states (switchCount, {@link #noteQs}), its current task (idle or not), its
     * sleepingInRcu, or a CPU's callback list. {@link #softirqPending} is asked for every CPU at
     * every step of the scheduler; it recomputes only when this or the online mask moved.
     */
    @Ghost private long epoch = 1;
    /** Per CPU: the epoch and online mask {@link #pendingCache} was computed at. */
    private final long[] pendingEpoch;
    private final long[] pendingMask;
    private final boolean[] pendingCache;

    Rcu(Kernel k, int cpus) {
        this.k = k;
        this.qs = new long[cpus];
        this.pendingEpoch = new long[cpus];
        this.pendingMask = new long[cpus];
        this.pendingCache = new boolean[cpus];
        for (int c = 0; c < cpus; c++) cbs.add(new ArrayList<>());
    }

    /** An input of the callbacks' readiness changed (see {@link #epoch}): Core's context switch calls it. */
    void inputsChanged() { epoch++; }

    void synchronizeRcu() {
        int self = k.smpProcessorId();
        long[] start = new long[k.cpus()];
        for (Rq rq : k.rqs) start[rq.cpu] = rq.switchCount;
        Rq me = k.thisRq();
        me.sleepingInRcu = true;  // the caller sleeps: its CPU would schedule, a quiescent state
        epoch++;
        k.m.await(() -> {
            for (Rq rq : k.rqs) {
                if (rq.cpu == self || !k.cpuOnline(rq.cpu)) continue;
                boolean quiescent = rq.switchCount != start[rq.cpu] || rq.current.idle || rq.sleepingInRcu
                        || (rq.current.depth == 0 && !rq.inSwitch);
                if (!quiescent) return false;
            }
            return true;
        }, "an RCU grace period");
        me.sleepingInRcu = false;
        epoch++;
        // what the grace period orders: the caller's accesses before it before every other CPU's
        // after its quiescent state, and theirs before the caller's after it (the full barriers
        // RCU puts at each quiescent state and around the grace period); pairs with: the other
        // CPUs' context switches, idle and user mode that ended it
        k.mem.rcuGracePeriod();
    }

    /** A quiescent state of this CPU besides a context switch: its task left its last kernel path. */
    void noteQs(int cpu) {
        qs[cpu]++;
        epoch++;
    }

    private long qsCount(Rq rq) { return rq.switchCount + qs[rq.cpu]; }

    /**
     * call_rcu(head, func): {@code func} runs after a grace period, in softirq context on this
     * CPU. The queueing is this CPU's own list (no shared memory: __call_rcu_core's per-CPU
     * segcblist, with interrupts off).
     */
    void callRcu(Runnable func, String what) {
        long[] at = new long[k.cpus()];
        for (Rq rq : k.rqs) at[rq.cpu] = qsCount(rq);
        cbs.get(k.smpProcessorId()).add(new Callback(func, what, at));
        epoch++;
        k.m.note(() -> "call_rcu queues " + what);
    }

    /** Every online CPU has passed a quiescent state since {@code cb} was queued (or is in one now). */
    private boolean ready(Callback cb) {
        for (Rq rq : k.rqs) {
            if (!k.cpuOnline(rq.cpu)) continue;
            boolean quiescent = qsCount(rq) != cb.qsAt()[rq.cpu] || rq.current.idle || rq.sleepingInRcu;
            if (!quiescent) return false;
        }
        return true;
    }

    /** RCU_SOFTIRQ is pending on {@code cpu}: its oldest callback is ready. */
    boolean softirqPending(int cpu) {
        List<Callback> l = cbs.get(cpu);
        if (l.isEmpty()) return false;
        long mask = k.onlineMaskValue();
        if (pendingEpoch[cpu] == epoch && pendingMask[cpu] == mask) return pendingCache[cpu];
        boolean r = ready(l.get(0));
        pendingEpoch[cpu] = epoch;
        pendingMask[cpu] = mask;
        pendingCache[cpu] = r;
        return r;
    }

    /** The tick would run {@code cpu}'s ready callbacks now: interrupts (checked by the caller) and softirqs on. */
    boolean tickWanted(int cpu) {
        return !cbs.get(cpu).isEmpty() && k.softirq.softirqsEnabled(cpu) && softirqPending(cpu);
    }

    /** Callbacks are still queued on {@code cpu} (the end of the program waits for them). */
    boolean hasCallbacks(int cpu) { return !cbs.get(cpu).isEmpty(); }

    /** rcu_core() -> rcu_do_batch(): run this CPU's ready callbacks, oldest first. */
    void rcuCore(int cpu) {
        List<Callback> l = cbs.get(cpu);
        while (!l.isEmpty() && ready(l.get(0))) {
            Callback cb = l.remove(0);
            epoch++;
            k.m.note(() -> "RCU callback (softirq): " + cb.what());
            cb.func().run();
        }
    }

    /** The end of the program: the boot CPU adopts the callbacks of CPUs left offline (rcutree_migrate_callbacks). */
    void adoptOffline(int cpu) {
        for (int c = 0; c < k.cpus(); c++) {
            if (c != cpu && !k.cpuOnline(c)) {
                cbs.get(cpu).addAll(cbs.get(c));
                cbs.get(c).clear();
                epoch++;
            }
        }
    }

    /**
     * rcu_read_lock() (CONFIG_PREEMPT_RCU): current->rcu_read_lock_nesting++, and under lockdep an
     * acquire of rcu_lock_map. A ghost count: the readers' hold on grace periods is not modelled
     * (the paths that take it do not sleep or switch inside, so their CPU passes no quiescent
     * state there anyway); what it checks is that each path leaves what it entered
     * ({@link Lockdep#sysExit}).
     */
    void rcuReadLock() { k.current().rcuReadLockNesting++; }

    /** rcu_read_unlock(). */
    void rcuReadUnlock() { k.current().rcuReadLockNesting--; }
}
