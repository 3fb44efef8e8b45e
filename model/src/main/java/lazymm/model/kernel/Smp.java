package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.IntVar;
import lazymm.model.sim.Ghost;

/**
 * kernel/smp.c (v7.1.5), what these paths use of it: on_each_cpu_mask(), on_each_cpu_cond_mask()
 * (the condition is evaluated by the sender, for each target) and smp_call_function_single(),
 * with and without wait.
 * A call is queued on each target (llist_add, fully ordered) and taken there as an interrupt, when
 * the target has interrupts on; the handler runs with interrupts off and releases the csd, which
 * a waiting sender acquires. Offline CPUs are never targets. Left out: the _any and _async
 * single-target variants, csd locking against reuse (each call has its own csd).
 */
@KernelFile("kernel/smp.c")
final class Smp {

    private final Kernel k;

    /** One queued call: what to run and the csd flag the sender waits on. */
    private record Csd(Runnable func, IntVar done, String what) {}

    @Ghost private final List<List<Csd>> queue = new ArrayList<>();
    @Ghost private int csds;
    /** CPUs inside on_each_cpu_mask(), which runs with preemption off: stop_machine waits for them. */
    @Ghost private int calling;
    @Ghost private boolean stopped;
    @Ghost private int stoppedBy = -1;

    Smp(Kernel k) {
        this.k = k;
        for (int c = 0; c < 64; c++) queue.add(new ArrayList<>());
    }

    /** A call is queued for {@code cpu}. */
    boolean pending(int cpu) { return !queue.get(cpu).isEmpty(); }

    /**
     * flush_smp_call_function_queue(): the IPI's handler (generic_smp_call_function_single_interrupt,
     * run by {@link Kernel#handleInterrupts}), also what a dying CPU does for calls still queued.
     */
    void flush(int cpu) {
        List<Csd> q = queue.get(cpu);
        if (q.isEmpty()) return;
        // llist_del_all(): an xchg that takes the calls queued so far, and only those; one queued
        // while these run finds the list empty, and its sender's IPI brings another flush, with
        // its own xchg (the queue stays pending: Kernel.handleInterrupts comes back)
        k.mem.smpMb();  // llist_del_all(): an xchg; pairs with: the sender's llist_add
        List<Csd> taken = new ArrayList<>(q);
        q.clear();
        for (Csd c : taken) {
            c.func().run();
            k.mem.smpStoreRelease(c.done(), 1);  // csd_unlock(); pairs with: csd_lock_wait()'s acquire
        }
    }

    /**
     * on_each_cpu_mask(mask, func, info, wait): runs {@code func} on every online CPU in
     * {@code mask}: here with interrupts off if this CPU is in it, elsewhere as an IPI; with
     * {@code wait}, returns when every one has run it.
     */
    void onEachCpuMask(long mask, Runnable func, boolean wait, String what) {
        onEachCpuCondMask(null, mask, func, wait, what);
    }

    /**
     * on_each_cpu_cond_mask(cond_func, func, info, wait, mask): the same, for the CPUs of
     * {@code mask} for which {@code cond} (run here, on the sender) says yes; null: all.
     */
    void onEachCpuCondMask(java.util.function.IntPredicate cond, long mask, Runnable func, boolean wait, String what) {
        k.m.await(() -> !stopped, "stop_machine() to end");
        calling++;
        try {
            call(cond, mask, func, wait, what);
        } finally {
            calling--;
        }
    }

    /**
     * stop_machine() around the calling CPU's work: every other online CPU runs the stopper
     * (multi_cpu_stop, interrupts off), which it can only do where it is preemptible: not inside
     * on_each_cpu_mask() (so a CPU cannot go offline between reading cpu_online_mask and queueing
     * its calls), not with interrupts or preemption off, not in a context switch. Until
     * stopMachine(false) those CPUs do nothing at all ({@link Kernel#cpuStopped}).
     */
    void stopMachine(boolean stop) {
        if (stop) {
            int self = k.smpProcessorId();
            k.m.await(() -> calling == 0 && othersPreemptible(self), "the other CPUs to enter stop_machine()'s stopper");
            stoppedBy = self;
        } else {
            stoppedBy = -1;
        }
        stopped = stop;
    }

    private boolean othersPreemptible(int self) {
        for (Rq rq : k.rqs) {
            if (rq.cpu == self || !k.cpuOnline(rq.cpu)) continue;
            if (rq.irqsDisabled || rq.current.preemptCount > 0 || rq.inSwitch) return false;
        }
        return true;
    }

    /** The CPU that runs its work in stop_machine() now, or -1. */
    int stoppedBy() { return stoppedBy; }

    private void call(java.util.function.IntPredicate cond, long mask, Runnable func, boolean wait, String what) {
        int self = k.smpProcessorId();
        mask &= k.cpuOnlineMaskStable();
        k.warnOn(wait && k.irqsDisabled(), "smp_call_function_many_cond", "waiting for IPIs with interrupts off");
        boolean runLocal = (mask & (1L << self)) != 0 && (cond == null || cond.test(self));
        List<Csd> sent = new ArrayList<>();
        for (int c = 0; c < k.cpus(); c++) {
            if (c == self || (mask & (1L << c)) == 0) continue;
            if (cond != null && !cond.test(c)) continue;
            Csd csd = new Csd(func, k.mem.intVar("csd" + (csds++) + "(" + what + " on cpu" + c + ")", 0), what);
            k.mem.smpMb();  // llist_add(): a cmpxchg; pairs with: flush()'s llist_del_all
            queue.get(c).add(csd);
            sent.add(csd);
        }
        if (runLocal) {
            boolean was = k.localIrqSave();
            func.run();
            k.localIrqRestore(was);
        }
        if (wait) {
            for (Csd csd : sent) {
                k.mem.smpCondLoadAcquire(csd.done(), v -> v == 1, "csd_lock_wait(" + csd.what() + ")");  // pairs with: flush()'s csd_unlock
            }
        }
    }

    /** ENXIO (include/uapi/asm-generic/errno-base.h): smp_call_function_single() returns -ENXIO. */
    static final int ENXIO = 6;

    /**
     * smp_call_function_single(cpu, func, info, wait) (kernel/smp.c, v7.1.5, with
     * generic_exec_single()): runs {@code func} on {@code cpu}. For this CPU, here, with
     * interrupts off; for another online CPU, a csd queued on it and an IPI (the handler,
     * {@link #flush}, runs it with interrupts off and then csd_unlock()s); with {@code wait}, returns
     * when it has run: csd_lock_wait()'s acquire pairs with the handler's release, so what
     * {@code func} wrote is seen after. Returns 0, or -ENXIO when {@code cpu} is offline or not a
     * CPU (nothing runs). Under get_cpu(): stop_machine() waits for it, as for on_each_cpu_mask().
     * Left out: the WARN on !in_task() (softirq context; a hardirq has interrupts off, which the
     * other WARN catches), the per-CPU csd_data an async call reuses and its csd_lock() (each call
     * has its own csd here), CONFIG_CSD_LOCK_WAIT_DEBUG.
     */
    int smpCallFunctionSingle(int cpu, Runnable func, boolean wait, String what) {
        k.m.await(() -> !stopped, "stop_machine() to end");
        calling++;
        try {
            return callSingle(cpu, func, wait, what);
        } finally {
            calling--;
        }
    }

    private int callSingle(int cpu, Runnable func, boolean wait, String what) {
        int self = k.smpProcessorId();
        k.warnOn(k.cpuOnline(self) && k.irqsDisabled(), "smp_call_function_single", "called with interrupts off");
        if (cpu == self) {
            // generic_exec_single(): csd_unlock() at once (nobody waits on a local call), then the function
            boolean was = k.localIrqSave();
            func.run();
            k.localIrqRestore(was);
            return 0;
        }
        if (cpu < 0 || cpu >= k.cpus() || (k.cpuOnlineMaskStable() & (1L << cpu)) == 0) return -ENXIO;
        Csd csd = new Csd(func, k.mem.intVar("csd" + (csds++) + "(" + what + " on cpu" + cpu + ")", 0), what);
        k.mem.smpMb();  // __smp_call_single_queue()'s llist_add(): a cmpxchg; pairs with: flush()'s llist_del_all
        queue.get(cpu).add(csd);
        if (wait) {
            k.mem.smpCondLoadAcquire(csd.done(), v -> v == 1, "csd_lock_wait(" + what + ")");  // pairs with: flush()'s csd_unlock
        }
        return 0;
    }
}
