package lazymm.engine;

import java.util.function.BooleanSupplier;
import jdk.internal.vm.Continuation;

/**
 * One thread of the model: a CPU's first thread (its boot / idle context) or a kernel task made
 * with {@link Execution#newThread}. It is a continuation: it runs on one CPU at a time, is
 * suspended at the yield points where the scheduler leaves it, and moves to another CPU when the
 * model switches to it there (what switch_to does). Fresh for every execution.
 */
public final class ModelThread extends Continuation {

    private final Execution execution;
    final String name;
    /** The CPU running this thread now, or -1 when it is switched out (or not started). */
    int cpu = -1;
    /** Non-null while the thread spins in {@link Execution#await}: its CPU cannot step until true. */
    BooleanSupplier blockedOn;
    String blockedWhat;

    ModelThread(Execution execution, String name, Runnable body) {
        super(Execution.SCOPE, body);
        this.execution = execution;
        this.name = name;
    }

    public Execution execution() { return execution; }

    boolean runnable() {
        return !isDone() && (blockedOn == null || blockedOn.getAsBoolean());
    }

    @Override
    public String toString() { return name; }
}
