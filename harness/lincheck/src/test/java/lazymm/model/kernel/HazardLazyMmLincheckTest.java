package lazymm.model.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lazymm.model.sim.Violation;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The hazard-pointer lazy mm of seed 003: {@code mm_unlazy_mm_count()} in {@code __mmput()}
 * racing with CPUs that become lazy on the mm and leave it ({@code context_switch()}'s
 * {@code rq->lazy_mm} store and {@code finish_task_switch()}'s {@code mmdrop_lazy()}), on two
 * address spaces. Each operation is the model's code ({@link Core#mmUnlazyMmCount},
 * {@link Core#mmdropLazy}, {@link Fork#mmput}, the arch's switch_mm), run by one CPU:
 * <ul>
 *   <li>{@code runN(m)}: CPU N switches to its thread of mm m (each of the two CPUs has one
 *       thread in each of the two address spaces): switch_mm, and if the CPU was lazy,
 *       context_switch()'s smp_store_release of lazy_mm = NULL and finish_task_switch()'s
 *       mmdrop_lazy(). False if that thread has exited.</li>
 *   <li>{@code sleepN()}: the thread on CPU N sleeps and a kthread runs on its mm: lazy_mm = mm.</li>
 *   <li>{@code exitN()}: the thread on CPU N exits: {@link Exit}'s exit_mm path (lazy_mm = mm,
 *       then mmput(), which runs __mmput() and mm_unlazy_mm_count() for the last user).</li>
 * </ul>
 * The specification: which threads are alive decides what run returns; nothing else is
 * visible, so any oracle of the model that fires (an mm freed while a CPU's lazy_mm names it,
 * a refcount underflow, a use after free) is a result the specification never gives.
 * The Broken twin is HP-CPUMASK: the RFC's iterator over mm_cpumask, which arm64 never sets.
 */
@Param(name = "mm", gen = IntGen.class, conf = "1:2")
public class HazardLazyMmLincheckTest {

    /** The variant under test; the Broken twin's subclass changes it. */
    String variant() { return "hazard-arm64"; }

    private final LincheckKernel lk = new LincheckKernel(variant(), 3, "");
    private final Kernel k = lk.k;
    private final MmStruct[] mm = {null, k.newMm(1), k.newMm(2)};
    /** [cpu][mm]: that CPU's thread of that mm has not exited. Each CPU's own. */
    private final boolean[][] alive = {{false, false, false}, {false, true, true}, {false, true, true}};
    /** The mm of the thread running on each CPU (0: a kthread, lazy or on init_mm). */
    private final int[] running = new int[3];

    {
        for (int m = 1; m <= 2; m++) k.smm.mmget(mm[m]);  // two threads in each: mm_users 2
    }

    private boolean run(int cpu, int m) {
        lk.on(cpu);
        if (!alive[cpu][m]) return false;
        Rq rq = k.rqs[cpu];
        k.arch.switchMm(rq.hwMm, mm[m], null);                       // context_switch(): switch_mm_irqs_off()
        if (running[cpu] == 0) {                                      // from kernel
            k.mem.smpStoreRelease(rq.lazyMm, null);                   // pairs with: mm_unlazy_mm_count's smp_load_acquire
            if (k.mem.readOnce(rq.lazyMm) == null) k.core.mmdropLazy(rq);  // finish_task_switch()
        }
        running[cpu] = m;
        check();
        return true;
    }

    private void sleep(int cpu) {
        lk.on(cpu);
        int m = running[cpu];
        if (m == 0) return;
        Rq rq = k.rqs[cpu];
        k.arch.enterLazyTlb(mm[m], null);                             // context_switch(), user -> kernel
        k.mem.writeOnce(rq.lazyMm, mm[m]);
        running[cpu] = 0;
        check();
    }

    private void exit(int cpu) {
        lk.on(cpu);
        int m = running[cpu];
        if (m == 0) return;
        Rq rq = k.rqs[cpu];
        alive[cpu][m] = false;
        running[cpu] = 0;
        k.arch.enterLazyTlb(mm[m], null);                             // exit_mm()
        k.mem.writeOnce(rq.lazyMm, mm[m]);                            // publish before our mm_users goes
        k.fork.mmput(mm[m]);
        check();
    }

    /** The model's step oracles: a freed mm that a CPU still names. */
    private void check() { k.oracles.checkStep(); }

    @Operation(nonParallelGroup = "cpu1") public boolean run1(@Param(name = "mm") int m) { return run(1, m); }

    @Operation(nonParallelGroup = "cpu1") public void sleep1() { sleep(1); }

    @Operation(nonParallelGroup = "cpu1") public void exit1() { exit(1); }

    @Operation(nonParallelGroup = "cpu2") public boolean run2(@Param(name = "mm") int m) { return run(2, m); }

    @Operation(nonParallelGroup = "cpu2") public void sleep2() { sleep(2); }

    @Operation(nonParallelGroup = "cpu2") public void exit2() { exit(2); }

    /** What the operations return when nothing goes wrong. */
    public static class Spec {
        private final boolean[][] alive = {{false, false, false}, {false, true, true}, {false, true, true}};
        private final int[] running = new int[3];

        public boolean run1(int m) { return run(1, m); }
        public void sleep1() { running[1] = 0; }
        public void exit1() { exit(1); }
        public boolean run2(int m) { return run(2, m); }
        public void sleep2() { running[2] = 0; }
        public void exit2() { exit(2); }

        private boolean run(int cpu, int m) {
            if (!alive[cpu][m]) return false;
            running[cpu] = m;
            return true;
        }

        private void exit(int cpu) {
            alive[cpu][running[cpu]] = false;
            running[cpu] = 0;
        }
    }

    @Test
    void linearizable() {
        LincheckKernel.options(Spec.class, 8, 250).check(getClass());
    }

    /** HP-CPUMASK: mm_unlazy_mm_count() iterates mm_cpumask, which arm64 never sets. */
    public static class Broken extends HazardLazyMmLincheckTest {
        @Override String variant() { return "HP-CPUMASK"; }
    }

    /**
     * How the Broken twin is checked (the test and the benchmark): Lincheck's own random scenarios
     * (its generator's fixed seed: the same scenarios every run), the first failing one reported as
     * found (minimizing it took Lincheck twice as long as finding it).
     */
    static ModelCheckingOptions brokenTwinOptions() {
        return LincheckKernel.options(Spec.class, 30, 500).minimizeFailedScenario(false);
    }

    @Test
    void brokenTwinIsRejected() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> brokenTwinOptions().check(Broken.class));
        System.out.println("Lincheck on HP-CPUMASK:\n" + LincheckKernel.trace(e));
        String v = LincheckKernel.violation(e);  // the model's oracle, not an exception of the harness
        assertTrue(v != null && v.contains("freed"), e.getMessage());
    }
}
