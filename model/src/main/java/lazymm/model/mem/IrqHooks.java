package lazymm.model.mem;

/**
 * What the _bh and _irq lock forms do to the CPU's interrupt state, and what the lock checks of
 * the kernel model (self-deadlock, irq-unsafe locks) want to know. The default does nothing: the
 * memory alone has no notion of interrupts.
 */
public interface IrqHooks {

    IrqHooks NONE = new IrqHooks() {};

    default void localBhDisable(int cpu) {}

    default void localBhEnable(int cpu) {}

    default void localIrqDisable(int cpu) {}

    default void localIrqEnable(int cpu) {}

    default long localIrqSave(int cpu) { return 0; }

    default void localIrqRestore(int cpu, long flags) {}

    /** Before the CPU starts to spin for {@code lock} at {@code site}. */
    default void lockAcquiring(int cpu, SpinLock lock, String site) {}

    default void lockAcquired(int cpu, SpinLock lock, String site) {}

    default void lockReleased(int cpu, SpinLock lock) {}

    /**
     * What check_preemption_disabled() (lib/smp_processor_id.c, v7.1.5, CONFIG_DEBUG_PREEMPT)
     * finds on {@code cpu}: true when the code running there is preemptible, i.e. preemption
     * counts, with no preempt_count() (no preempt_disable, no hardirq or softirq, no bh
     * disabled), interrupts on, and a task that may migrate. The default is false: the memory
     * alone has no preemption, so every context is pinned to its CPU and nothing is reported.
     */
    default boolean preemptible(int cpu) { return false; }

    /** The task running on {@code cpu} as the kernel's BUG line names it ({@code comm/pid}). */
    default String current(int cpu) { return "cpu" + cpu; }
}
