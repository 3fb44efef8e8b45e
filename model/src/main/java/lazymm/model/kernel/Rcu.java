package lazymm.model.kernel;

/**
 * RCU, as much as membarrier's registration needs: synchronize_rcu() returns once every other
 * online CPU has passed a quiescent state since it was called (a context switch, the idle loop,
 * or user mode: not inside a kernel path). Left out: everything else of RCU (callbacks come with
 * the s390 fragment model).
 */
final class Rcu {

    private final Kernel k;

    Rcu(Kernel k) { this.k = k; }

    void synchronizeRcu() {
        int self = k.smpProcessorId();
        long[] start = new long[k.cpus()];
        for (Rq rq : k.rqs) start[rq.cpu] = rq.switchCount;
        Rq me = k.thisRq();
        me.sleepingInRcu = true;  // the caller sleeps: its CPU would schedule, a quiescent state
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
        // what the grace period orders: the caller's accesses before it before every other CPU's
        // after its quiescent state, and theirs before the caller's after it (the full barriers
        // RCU puts at each quiescent state and around the grace period); pairs with: the other
        // CPUs' context switches, idle and user mode that ended it
        k.mem.rcuGracePeriod();
    }
}
