package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lazymm.engine.Execution;
import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each oracle of the kernel model catches a bug planted for it (a {@code plant-*} configuration
 * changes one line, marked {@code // PLANTED:}), and stays quiet on the correct model.
 */
@NeedsAgent
class KernelOracleTest {

    static Explorer.Outcome explore(String variant, String arch, String lazyTlb, String memory, long executions,
                                    boolean stepChecks) {
        Config cfg = new Config(variant, arch, lazyTlb, memory, 3);
        return Explorer.explore(new Explorer.Settings(new KernelTarget(), cfg, "random", 11, 3, 2,
                Explorer.Programs.RANDOM, executions, 0, Execution.DEFAULT_STEP_BOUND, stepChecks), 1e9, null);
    }

    @ParameterizedTest(name = "{0} (step checks {1}) -> {2}")
    @CsvSource({
            // an extra mmdrop in kthread_unuse_mm: KASAN sees the freed mm used, or the count goes negative
            "plant-extra-mmdrop,   false, UseAfterFree|RefcountUnderflow",
            // a missing mmdrop: I1 sees one holder fewer than the count...
            "plant-missing-mmdrop, true,  RefcountInvariant",
            // ... and without the step invariants, the mm is never freed
            "plant-missing-mmdrop, false, Leak",
            // an extra mmput: mm_users goes below zero, or the mm is torn down under its users
            "plant-extra-mmput,    false, RefcountUnderflow|UseAfterFree",
            // user->kernel without mmgrab_lazy_tlb: the lazily used mm is freed under the CPU
            "plant-no-lazy-grab,   false, UseAfterFree"})
    void plantedBugIsCaught(String plant, boolean stepChecks, String kinds) {
        Explorer.Outcome o = explore(plant, "x86", "refcount", "tso", 20_000, stepChecks);
        assertNotNull(o.failing(), plant + ": nothing found in " + o.executions() + " executions");
        String kind = o.failing().violation().kind();
        assertTrue(("|" + kinds + "|").contains("|" + kind + "|"), plant + ": " + o.failing().violation());
    }

    static Explorer.Outcome explorePct(String variant, long executions) {
        Config cfg = new Config(variant, "x86", "refcount", "tso", 3);
        return Explorer.explore(new Explorer.Settings(new KernelTarget(), cfg, "pct", 1, 3, 2,
                Explorer.Programs.RANDOM, executions, 0, Execution.DEFAULT_STEP_BOUND, true), 1e9, null);
    }

    /**
     * membarrier's barriers, removed one at a time (the letters of membarrier.c's comment), with
     * membarrier users on today's kernel (task->mm marked) on x86: the membarrier(2) oracle
     * catches the missing (e), the CR3 write's. Without (a), (c) or (d) nothing was found in
     * 300,000 PCT executions each, and on x86 that is expected: (d) is smp_mb__after_spinlock,
     * a no-op after x86's locked spin_lock; (a) and (c) are backed by the locked instructions of
     * sending the IPIs and waiting for them. They need a weakly ordered arch to matter.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plant-no-mb-e"})
    void removingOneOfMembarriersBarriersIsCaught(String plant) {
        Explorer.Outcome o = explorePct(plant, 300_000);
        assertNotNull(o.failing(), plant + ": nothing found in " + o.executions() + " executions");
        assertEquals("MembarrierOrdering", o.failing().violation().kind(), o.failing().violation().toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upstream", "shootdown", "hazard", "hazard-batch", "hazard-arm64", "HP-WARN", "membarrier",
            "hazard-membarrier"})
    void correctSchemesStayQuietWithEveryOracleOn(String variant) {
        Config cfg = lazymm.model.Catalog.variant(variant).defaults();
        Explorer.Outcome o = explore(variant, cfg.arch(), cfg.lazyTlb(), cfg.memory(), 3_000, true);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(3_000, o.executions());
    }
}
