package lazymm.model.kernel;

import java.util.List;
import java.util.function.BooleanSupplier;
import lazymm.model.Catalog;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Config;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * A kernel of the model for Lincheck: the model's own classes, run by Lincheck's threads instead
 * of the explorer's continuations. Each operation of a test names the CPU it runs on
 * ({@link #on}); Lincheck's model checker chooses the interleavings, at every shared access it
 * sees, and each {@link Memory} access is one atomic step, as under the explorer (memory model
 * sc: Lincheck explores sequentially consistent executions only).
 *
 * <p>Interrupts: a CPU that waits (a spinlock, csd_lock_wait) takes the interrupts pending for
 * itself when its interrupts are on, and delivers those pending for any other CPU that has its
 * interrupts on, on that CPU's behalf: Lincheck has stopped that CPU's thread between two of its
 * accesses, which is where the explorer delivers interrupts too. So an IPI sent by a flush or a
 * shootdown is taken while the sender waits for it, at a point of the target's path that
 * Lincheck chose.
 *
 * <p>What the machine leaves out: context switches between model tasks (a test operation is one
 * CPU's kernel path, called directly), the weak memory modes, and interrupts that nobody waits
 * for (an IPI without wait is taken when some CPU next waits).
 */
final class LincheckKernel {

    private static final ThreadLocal<Integer> CPU = ThreadLocal.withInitial(() -> 0);

    /** The machine: smp_processor_id() is what the running operation said; a wait spins. */
    private static final class LincheckMachine implements Machine {
        private final int cpus;
        private Kernel k;

        LincheckMachine(int cpus) { this.cpus = cpus; }

        @Override public int smpProcessorId() { return CPU.get(); }

        @Override public int nrCpus() { return cpus; }

        @Override
        public void await(BooleanSupplier cond, String what) {
            while (!cond.getAsBoolean()) {
                int self = CPU.get();
                for (int c = 0; c < cpus; c++) {
                    if (k.interruptPending(c)) {
                        CPU.set(c);  // the handler runs on the target CPU
                        try {
                            k.handleInterrupts(c);
                        } finally {
                            CPU.set(self);
                        }
                    }
                }
                Thread.onSpinWait();  // Lincheck sees the spin and switches
            }
        }

        /** The newest store, and the first ready task: sequentially consistent, no scheduler. */
        @Override public int choose(int n) { return 0; }

        @Override public boolean preempt() { return false; }

        @Override public String site() { return ""; }

        /** Tasks are not run here: their handles are never switched to. */
        @Override public Object newThread(String name, Runnable body) { return name; }

        @Override
        public void switchTo(Object thread) {
            throw new UnsupportedOperationException("a Lincheck operation is one CPU's path; it does not switch tasks");
        }
    }

    final Kernel k;

    /** A kernel of {@code variant} on {@code cpus} CPUs, memory sc, with the tasks of {@code program} (may be empty). */
    LincheckKernel(String variant, int cpus, String program) {
        Config cfg = Catalog.variant(variant).defaults().withCpus(cpus).withMemory("sc");
        Program p = program.isEmpty() ? Program.of(List.of()) : Program.parse(program);
        LincheckMachine m = new LincheckMachine(cpus);
        this.k = new Kernel(m, cfg, p);
        m.k = k;
    }

    /** The operation that follows runs on {@code cpu}. */
    LincheckKernel on(int cpu) {
        CPU.set(cpu);
        return this;
    }

    /**
     * Model checking as every test here runs it: each {@link Memory} method is one atomic step (the
     * explorer's granularity), the given sequential specification, and a fixed budget.
     */
    static ModelCheckingOptions options(Class<?> spec, int iterations, int invocations) {
        return new ModelCheckingOptions()
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(Memory.class.getName()).allMethods().treatAsAtomic())
                .sequentialSpecification(spec)
                .iterations(iterations)
                .invocationsPerIteration(invocations);
    }
}
