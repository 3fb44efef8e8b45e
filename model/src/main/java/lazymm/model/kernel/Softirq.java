package lazymm.model.kernel;

import lazymm.model.sim.Ghost;

/**
 * kernel/softirq.c (v7.1.5) and the interrupt-context parts of preempt_count
 * (include/linux/preempt.h): per CPU, the HARDIRQ count (irq_enter / irq_exit), the SOFTIRQ
 * count (local_bh_disable adds SOFTIRQ_DISABLE_OFFSET, __do_softirq SOFTIRQ_OFFSET), and the
 * softirq run at the two places the kernel runs it: irq_exit() -> invoke_softirq() when the
 * interrupted context is not itself in interrupt context, and local_bh_enable() when the count
 * drops to zero. The only softirq modelled is RCU's (rcu_core: the ready callbacks of this CPU,
 * see {@link Rcu}); "pending" is "this CPU has ready callbacks" (the tick's
 * rcu_sched_clock_irq() would have raised RCU_SOFTIRQ).
 *
 * <p>Left out: ksoftirqd (softirqs are never deferred to a thread), the restart loop and its
 * time limit, NMI, the other softirq vectors.
 */
@KernelFile("kernel/softirq.c")
final class Softirq {

    static final int SOFTIRQ_OFFSET = 1;
    static final int SOFTIRQ_DISABLE_OFFSET = 2;

    private final Kernel k;

    /** hardirq_count() of each CPU: interrupt handlers running (nested ones included). */
    @Ghost private final int[] hardirq;
    /** softirq_count() of each CPU, in units of SOFTIRQ_OFFSET. */
    @Ghost private final int[] softirq;

    Softirq(Kernel k, int cpus) {
        this.k = k;
        this.hardirq = new int[cpus];
        this.softirq = new int[cpus];
    }

    /** in_hardirq(). */
    boolean inHardirq(int cpu) { return hardirq[cpu] > 0; }

    /** in_serving_softirq(): a softirq handler is running on the CPU. */
    boolean inServingSoftirq(int cpu) { return (softirq[cpu] & SOFTIRQ_OFFSET) != 0; }

    /** in_softirq(): serving a softirq or with bottom halves disabled. */
    boolean inSoftirq(int cpu) { return softirq[cpu] != 0; }

    /** in_interrupt(): hardirq, or softirq (serving or BH disabled). */
    boolean inInterrupt(int cpu) { return hardirq[cpu] > 0 || softirq[cpu] != 0; }

    /** Softirqs could run on the CPU now (what lockdep calls softirqs enabled, and not inside one). */
    boolean softirqsEnabled(int cpu) { return !inInterrupt(cpu); }

    /** irq_enter(): the handler of an interrupt starts. */
    void irqEnter(int cpu) { hardirq[cpu]++; }

    /**
     * irq_exit(): the handler is done; if the interrupted context was not in interrupt context
     * and a softirq is pending, run it here (invoke_softirq -> __do_softirq).
     */
    void irqExit(int cpu) {
        hardirq[cpu]--;
        if (!inInterrupt(cpu) && k.rcu.softirqPending(cpu)) doSoftirq(cpu);
    }

    /** local_bh_disable(). */
    void localBhDisable(int cpu) { softirq[cpu] += SOFTIRQ_DISABLE_OFFSET; }

    /** local_bh_enable(): the count back to zero runs the pending softirqs (do_softirq()). */
    void localBhEnable(int cpu) {
        softirq[cpu] -= SOFTIRQ_DISABLE_OFFSET;
        k.bugOn(softirq[cpu] < 0, "__local_bh_enable_ip", "local_bh_enable() without local_bh_disable()");
        if (!inInterrupt(cpu) && !k.irqsDisabled() && k.rcu.softirqPending(cpu)) doSoftirq(cpu);
    }

    /**
     * __do_softirq(): SOFTIRQ_OFFSET on, interrupts on while the handlers run (rcu_core: the
     * ready RCU callbacks), then back to the caller's interrupt state.
     */
    private void doSoftirq(int cpu) {
        boolean was = k.localIrqSave();
        softirq[cpu] += SOFTIRQ_OFFSET;     // __local_bh_disable_ip(_RET_IP_, SOFTIRQ_OFFSET)
        k.localIrqEnable();
        k.rcu.rcuCore(cpu);
        k.localIrqDisable();
        softirq[cpu] -= SOFTIRQ_OFFSET;     // __local_bh_enable(SOFTIRQ_OFFSET)
        k.localIrqRestore(was);
    }
}
