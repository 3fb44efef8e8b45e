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
}
