package lazymm.example;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;

/**
 * Example 1, the lost update: every CPU increments one counter.
 *
 * <p>The broken version is {@code counter++} on a plain field: a load, then a store, with a yield
 * point before each (the agent puts one before every access to a non-final model field). Two
 * CPUs that both load before either stores lose an increment. The fixed version uses
 * {@code atomic_inc_return}, one shared access with no yield point inside.
 *
 * <p>Oracle: at the end, the counter equals the number of increments in the program.
 */
public final class LostUpdate implements Instance {

    private final Program program;
    private final Memory mem;
    private final boolean atomic;

    /** The broken counter: a plain Java field, so every read and write is a yield point. */
    private int counter;

    /** The fixed counter: an atomic_t of the simulated memory. */
    private final IntVar atomicCounter;

    LostUpdate(Machine machine, String memory, Program program, boolean atomic) {
        this.program = program;
        this.mem = new Memory(machine, memory, false);
        this.atomic = atomic;
        this.atomicCounter = mem.intVar("counter", 0);
    }

    @Override public int cpus() { return program.cpus(); }

    @Override public int extraActions(int[] out, int off) { return mem.extraActions(out, off); }

    @Override public void perform(int action) { mem.perform(action); }

    @Override public String label(int action) { return mem.label(action); }

    @Override
    public void cpu(int cpu) {
        for (String op : program.ops(cpu)) {
            if (op.equals("inc")) {
                counterInc();
            }
        }
    }

    /** The operation {@code inc}. */
    void counterInc() {
        if (atomic) {
            mem.atomicIncReturn(atomicCounter);
        } else {
            int tmp = counter;  // BROKEN: example-lost-update: load and store are two accesses
            counter = tmp + 1;
        }
    }

    /** The counter's value, read outside any execution (for oracles and tests). */
    int value() { return atomic ? (int) mem.peek(atomicCounter) : counter; }

    @Override
    public void checkFinal() {
        int expected = 0;
        for (int c = 0; c < program.cpus(); c++) {
            for (String op : program.ops(c)) {
                if (op.equals("inc")) expected++;
            }
        }
        int got = value();
        if (got != expected) {
            throw new Violation("LostUpdate", "counter_inc",
                    "counter is " + got + " after " + expected + " increments: "
                            + (expected - got) + " lost");
        }
    }
}
