package lazymm.engine;

import java.util.function.BooleanSupplier;
import jdk.internal.vm.Continuation;

/**
 * One model CPU: a continuation that runs the CPU's body and is suspended at every yield point
 * that the scheduler chooses to leave it at. Fresh for every execution (a continuation cannot be
 * reused once its body has returned).
 */
public final class CpuContinuation extends Continuation {

    private final Execution execution;
    final int cpu;
    /** Non-null while the CPU spins in {@link Execution#await}: it is not runnable until true. */
    BooleanSupplier blockedOn;
    String blockedWhat;
    boolean finished;

    CpuContinuation(Execution execution, int cpu, Runnable body) {
        super(Execution.SCOPE, body);
        this.execution = execution;
        this.cpu = cpu;
    }

    public Execution execution() { return execution; }

    boolean runnable() {
        return !finished && (blockedOn == null || blockedOn.getAsBoolean());
    }
}
