package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.IntVar;
import lazymm.model.sim.Ghost;

/**
 * kernel/smp.c (v7.1.5), what these paths use of it: on_each_cpu_mask() with and without wait.
 * A call is queued on each target (llist_add, fully ordered) and taken there as an interrupt, when
 * the target has interrupts on; the handler runs with interrupts off and releases the csd, which
 * a waiting sender acquires. Offline CPUs are never targets. Left out: the single-target and
 * cond variants, csd locking against reuse (each call has its own csd).
 */
final class Smp {

    private final Kernel k;

    /** One queued call: what to run and the csd flag the sender waits on. */
    private record Csd(Runnable func, IntVar done, String what) {}

    @Ghost private final List<List<Csd>> queue = new ArrayList<>();
    @Ghost private int csds;
    /** CPUs inside on_each_cpu_mask(), which runs with preemption off: stop_machine waits for them. */
    @Ghost private int calling;
    @Ghost private boolean stopped;

    Smp(Kernel k) {
        this.k = k;
        for (int c = 0; c < 64; c++) queue.add(new ArrayList<>());
    }

    /** A call is queued for {@code cpu}. */
    boolean pending(int cpu) { return !queue.get(cpu).isEmpty(); }

    /**
     * generic_smp_call_function_single_interrupt(): on {@code cpu}, with interrupts off; then the
     * return from the interrupt, an exception return.
     */
    void handle(int cpu) {
        boolean was = k.localIrqSave();
        flush(cpu);
        k.localIrqRestore(was);
        k.arch.exceptionReturn();
    }

    /** flush_smp_call_function_queue(): also what a dying CPU does for calls still queued. */
    void flush(int cpu) {
        List<Csd> q = queue.get(cpu);
        if (q.isEmpty()) return;
        k.mem.smpMb();  // llist_del_all(): an xchg; pairs with: the sender's llist_add
        while (!q.isEmpty()) {
            Csd c = q.remove(0);
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
        k.m.await(() -> !stopped, "stop_machine() to end");
        calling++;
        try {
            call(mask, func, wait, what);
        } finally {
            calling--;
        }
    }

    /**
     * stop_machine(): every CPU runs the stopper with preemption off, so none is inside
     * on_each_cpu_mask() while the machine is stopped (a CPU cannot go offline between reading
     * cpu_online_mask and queueing its calls).
     */
    void stopMachine(boolean stop) {
        if (stop) k.m.await(() -> calling == 0, "CPUs to leave on_each_cpu_mask() for stop_machine()");
        stopped = stop;
    }

    private void call(long mask, Runnable func, boolean wait, String what) {
        int self = k.smpProcessorId();
        mask &= k.cpuOnlineMaskStable();
        k.warnOn(wait && k.irqsDisabled(), "smp_call_function_many_cond", "waiting for IPIs with interrupts off");
        List<Csd> sent = new ArrayList<>();
        for (int c = 0; c < k.cpus(); c++) {
            if (c == self || (mask & (1L << c)) == 0) continue;
            Csd csd = new Csd(func, k.mem.intVar("csd" + (csds++) + "(" + what + " on cpu" + c + ")", 0), what);
            k.mem.smpMb();  // llist_add(): a cmpxchg; pairs with: flush()'s llist_del_all
            queue.get(c).add(csd);
            sent.add(csd);
        }
        if ((mask & (1L << self)) != 0) {
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
}
