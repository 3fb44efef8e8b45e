package lazymm.engine;

/**
 * Chooses the next action at every scheduling point with more than one enabled action. One
 * interface for every way of exploring: a random walk, PCT, bounded exhaustive search, replay of
 * a recorded schedule, and (later) the fuzzer's bytes.
 *
 * <p>A strategy sees action codes: {@code 0..63} run that CPU; codes from
 * {@link lazymm.model.sim.Actions#FIRST_EXTRA} are the instance's own actions (drains, IRQs).
 */
public interface Strategy {

    /** A name for reports, e.g. {@code random}, {@code pct(d=3)}. */
    String name();

    /** Prepares the next execution; false when there is nothing left to explore. */
    boolean startExecution();

    /**
     * Chooses one of {@code opts[0..n)}, {@code n >= 2}, and returns its index.
     *
     * @param running the CPU that reached this point and may go on, or -1 when none is running
     *                (the start, or the running CPU has just finished or blocked)
     * @param step    the number of steps taken so far in this execution
     */
    int choose(int[] opts, int n, int running, long step);

    /**
     * With state caching: called at every scheduling point with a hash of the whole state (only
     * when the instance provides one). Returns false when the state was explored before: the
     * execution then ends at once, as pruned. The default caches nothing.
     */
    default boolean visit(long stateHash) { return true; }

    /**
     * Called at every yield point with the site the CPU is about to perform, before the choice
     * made there: strategies that steer by kernel function (a scripted schedule) use it.
     */
    default void observe(int cpu, String site) {}

    /** True when the strategy wants {@link #conflict} calls (asked once per execution). */
    default boolean observesConflicts() { return false; }

    /**
     * An access that conflicts with the previous access of the same location by another CPU
     * (see {@link lazymm.model.sim.Machine#conflict}); only when {@link #observesConflicts}.
     */
    default void conflict(String earlierSite, boolean earlierWrite, String site, boolean write) {}

    /** Called after each execution, with its number of steps. */
    default void endExecution(long steps) {}
}
