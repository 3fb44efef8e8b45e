package lazymm.model.sim;

import java.util.function.BooleanSupplier;

/**
 * The model as plain sequential Java: CPU 0's body runs to its end, then CPU 1's, and so on. No
 * scheduler, no yield points. A wait whose condition is false can never be satisfied here, so it
 * is reported as a Deadlock. Used by unit tests of the model.
 */
public final class SequentialMachine implements Machine {

    private final int cpus;
    private int current;

    public SequentialMachine(int cpus) { this.cpus = cpus; }

    @Override public int smpProcessorId() { return current; }

    @Override public int nrCpus() { return cpus; }

    @Override
    public void await(BooleanSupplier cond, String what) {
        if (!cond.getAsBoolean()) {
            throw new Violation("Deadlock", what,
                    "cpu" + current + " waits for " + what + " on a sequential machine");
        }
    }

    /** Always 0: the newest store, as a sequentially consistent machine reads. */
    @Override public int choose(int n) { return 0; }

    @Override public String site() { return ""; }

    @Override public boolean preempt() { return false; }

    /** Threads need a scheduler: the sequential machine has none. */
    @Override
    public Object newThread(String name, Runnable body) {
        throw new UnsupportedOperationException("the sequential machine runs no threads; run the model under the engine");
    }

    @Override
    public void switchTo(Object thread) {
        throw new UnsupportedOperationException("the sequential machine runs no threads; run the model under the engine");
    }

    /** Runs every CPU of {@code inst} in order, then the final checks. */
    public void runAll(Instance inst) {
        for (current = 0; current < inst.cpus(); current++) {
            inst.cpu(current);
        }
        current = 0;
        inst.checkFinal();
    }
}
