package lazymm.lincheck;

import java.util.function.BooleanSupplier;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Machine;


import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Test;

public class SpikeTest {
    static final ThreadLocal<Integer> CPU = ThreadLocal.withInitial(() -> 0);
    static final class M implements Machine {
        public int smpProcessorId() { return CPU.get(); }
        public int nrCpus() { return 2; }
        public void await(BooleanSupplier c, String w) { while (!c.getAsBoolean()) Thread.onSpinWait(); }
        public int choose(int n) { return 0; }
        public boolean preempt() { return false; }
        public String site() { return ""; }
        public Object newThread(String n, Runnable b) { return null; }
        public void switchTo(Object t) { throw new UnsupportedOperationException(); }
    }
    private final Memory mem = new Memory(new M(), "sc", false);
    private final IntVar v = mem.intVar("count", 0);

    @Operation public int inc() { return mem.atomicIncReturn(v); }
    @Operation public int get() { return mem.atomicRead(v); }

    @Test
    public void modelCheck() {
        new ModelCheckingOptions().addGuarantee(org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses(Memory.class.getName()).allMethods().treatAsAtomic()).iterations(20).invocationsPerIteration(200).check(SpikeTest.class);
    }
}
