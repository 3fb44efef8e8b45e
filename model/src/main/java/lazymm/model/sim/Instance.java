package lazymm.model.sim;

/**
 * One execution's worth of model state, made fresh for every execution (no static mutable state:
 * that is what makes executions cheap and replay exact).
 *
 * <p>The engine runs {@link #cpu(int)} for every CPU, each on its own continuation, and between
 * yield points may also perform the instance's own actions (store-buffer drains, interrupt
 * deliveries), which it offers to the scheduler beside "run CPU i".
 */
public interface Instance {

    /** The number of CPUs; {@link #cpu(int)} is called once for each of 0..cpus()-1. */
    int cpus();

    /** The body of CPU {@code cpu}: the program's operations for it, in order. */
    void cpu(int cpu);

    /**
     * Writes the codes of the extra actions enabled now (codes {@code >= Actions.FIRST_EXTRA})
     * into {@code out} from {@code off}; returns how many.
     */
    default int extraActions(int[] out, int off) { return 0; }

    /** Performs an extra action returned by {@link #extraActions}. */
    default void perform(int action) {
        throw new IllegalArgumentException("no such action " + action);
    }

    /**
     * True when CPU {@code cpu} would take an interrupt now: one is pending for it (an IPI) and
     * its interrupts are enabled. The scheduler then offers "cpu takes it" ({@code i<cpu>}).
     */
    default boolean interruptPending(int cpu) { return false; }

    /**
     * Tracing: what CPU {@code cpu} would take if it took its interrupts now, e.g. "IPI" or
     * "tick (RCU callbacks)"; asked while {@link #interruptPending} is true.
     */
    default String interruptName(int cpu) { return "IPI"; }

    /**
     * True while CPU {@code cpu} is held by the model (stop_machine: it sits in the stopper with
     * interrupts off): the scheduler neither runs it nor delivers its interrupts.
     */
    default boolean cpuStopped(int cpu) { return false; }

    /**
     * Takes CPU {@code cpu}'s pending interrupts: called on that CPU (in its current thread,
     * between two of its shared accesses, as hardware takes an interrupt between instructions).
     */
    default void handleInterrupts(int cpu) {}

    /** A short label for an extra action, used in schedules and traces (e.g. {@code d0}). */
    default String label(int action) { return "a" + action; }

    /**
     * A hash of the whole state that the rest of the execution depends on (shared memory, and
     * each CPU's local state), or 0 when the instance cannot capture it. Only an instance whose
     * CPUs' futures depend on nothing but this state may return non-zero: exhaustive search then
     * skips a state it has already explored from (stateful search), which is sound only then.
     */
    default long stateHash() { return 0; }

    /** Invariants checked after every step when step checks are on; throws a {@link Violation}. */
    default void checkStep() {}

    /** Checks at quiescence, after every CPU has finished and extra actions drained. */
    default void checkFinal() {}
}
