package lazymm.model.sim;

import java.util.function.BooleanSupplier;

/**
 * What the model asks of the machine it runs on. The engine implements it with its controlled
 * scheduler; {@link SequentialMachine} implements it as plain sequential Java (no scheduler, no
 * agent) for unit tests of the model.
 *
 * <p>Yield points are not part of this interface: the agent inserts them before every shared
 * access (see {@code lazymm.model.mem.SharedAccess}). This interface has what the agent cannot
 * insert: which CPU is running, and waiting for a condition that another CPU must make true.
 */
public interface Machine {

    /** smp_processor_id(): the model CPU that is running now. */
    int smpProcessorId();

    /** The number of model CPUs. */
    int nrCpus();

    /**
     * Spin until {@code cond} holds (a spinlock, smp_cond_load, a wait-for-IPI). The CPU is not
     * scheduled while the condition is false; if no CPU can run, the execution ends with a
     * Deadlock violation that names {@code what}.
     */
    void await(BooleanSupplier cond, String what);

    /**
     * A choice inside one access, such as which store a load reads from under the weak memory
     * mode: returns one of {@code 0..n-1}, where 0 is what a sequentially consistent machine would
     * do (the newest store). The engine records it like any scheduling choice, so replay is exact.
     */
    int choose(int n);

    /**
     * At a preemption point of a preemptible kernel: true if the scheduler preempts the current
     * task here. A scheduling choice (bounded search counts it as a preemption), not a value.
     * The preemption point is the caller of the instance's method that calls this (the kernel
     * model's preemptPoint(), its preempt_enable() / cond_resched()), as an access's site is the
     * caller of the Memory primitive: traces name that function and line.
     */
    boolean preempt();

    /**
     * A finding that does not end the execution: the kernel goes on after a WARN_ON, and a freed
     * object that something still names is not yet an access to it. The machine records it, in
     * order with the others, and returns, so that the execution goes on to show what follows;
     * unless it was told to stop at findings of that kind ({@code --stop-on-warn}): then it throws
     * it, and it ends the execution like any violation. The default throws.
     */
    default void report(Violation v) { throw v; }

    /** The site of the shared access the running CPU is performing ("Class.method:line what"). */
    String site();

    /**
     * Makes a thread of the model (a kernel task): a continuation that runs {@code body} on
     * whichever CPU first switches to it. Returns its handle for {@link #switchTo}.
     */
    Object newThread(String name, Runnable body);

    /**
     * Context switch (switch_to): the current CPU stops running the calling thread and runs
     * {@code thread}, from its start or from where it last called switchTo. Returns when a CPU
     * switches back to the caller; smp_processor_id() is then that CPU, which may be another one.
     * A thread that never gets switched back to (a dead task) simply never returns.
     */
    void switchTo(Object thread);

    /**
     * True when the machine keeps a trace (replay): the memory then reports what each access
     * did through {@link #traced}. Asked once, when the memory is made.
     */
    default boolean tracing() { return false; }

    /**
     * Tracing only: the location and the value of the access being performed on the current CPU
     * (or of the store-buffer drain being performed), e.g. {@code mm#1.mm_count}, {@code 1 -> 0}.
     * The value is computed by the machine, outside the model's yield points (it may name model
     * objects).
     */
    default void traced(String loc, java.util.function.Supplier<String> value) {}

    /**
     * True when the machine wants to hear of conflicting accesses ({@link #conflict}): the fuzzer's
     * interleaving feedback. Asked once, when the memory is made.
     */
    default boolean observesConflicts() { return false; }

    /**
     * An access of the running CPU ({@code site}) that conflicts with the location's previous
     * access by another CPU ({@code earlierSite}): a write after a write or a read, or a read after
     * a write. The ordered pair says which way a race went in this execution.
     */
    default void conflict(String earlierSite, boolean earlierWrite, String site, boolean write) {}

    /**
     * Tracing only: a kernel event on the current CPU that is no shared access, e.g. call_rcu()
     * queuing a callback on the CPU's own list, or an RCU callback starting. The text is computed
     * by the machine, outside the model's yield points.
     */
    default void note(java.util.function.Supplier<String> text) {}
}
