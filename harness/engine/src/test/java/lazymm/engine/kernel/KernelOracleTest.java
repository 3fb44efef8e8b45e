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
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;
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
        return explorePct(variant, executions, null);
    }

    static Explorer.Outcome explorePct(String variant, long executions, Program program) {
        Config cfg = new Config(variant, "x86", "refcount", "tso", 3);
        return Explorer.explore(new Explorer.Settings(new KernelTarget(), cfg, "pct", 1, 3, 2,
                Explorer.Programs.RANDOM, executions, 0, Execution.DEFAULT_STEP_BOUND, true, program), 1e9, null);
    }

    /**
     * membarrier's barriers, removed one at a time (the letters of membarrier.c's comment), with
     * membarrier users (task->mm marked) on x86. Without (a), (c) or (d) nothing was found in
     * 300,000 PCT executions each, and on x86 that is expected: (d) is smp_mb__after_spinlock,
     * a no-op after x86's locked spin_lock; (a) and (c) are backed by the locked instructions of
     * sending the IPIs and waiting for them. They need a weakly ordered arch to matter.
     *
     * <p>(e), the CR3 write's serialization, is redundant in v7.1.5 too: since 83b0177a6c48
     * (v6.18, CVE-2025-40174) switch_mm_irqs_off() executes a locked cpumask_set_cpu() or an
     * smp_mb() between the rq->curr store and the return to user space on every path that
     * changes mm, and its lazy path (same mm) has an smp_mb(). Before that fix, when the CPU's
     * bit was already set, the CR3 write was the only full barrier there: removing it from that
     * code ({@code plant-no-mb-e-6.17}) is caught, on a program where a CPU goes back to a
     * process it ran before; the same program with (e) removed from today's code stays quiet.
     */
    @Test
    void removingBarrierEIsCaughtBefore83b0177a6c48AndRedundantSince() {
        Program p = Program.parse("user:1 mbreg run sched mbfast mbfast | user:1 run mbslow mbslow | user:2 run sched run");
        Explorer.Outcome old = explorePct("plant-no-mb-e-6.17", 100_000, p);
        assertNotNull(old.failing(), "plant-no-mb-e-6.17: nothing found in " + old.executions() + " executions");
        assertEquals("MembarrierOrdering", old.failing().violation().kind(), old.failing().violation().toString());
        Explorer.Outcome today = explorePct("plant-no-mb-e", 20_000, p);
        assertNull(today.failing(), () -> "plant-no-mb-e on v7.1.5: " + today.failing().violation());
    }

    /**
     * The x86 TLB oracle (StaleTlb): a lazy CPU that comes back to its mm without comparing
     * generations uses translations a flush removed while it was lazy; a flush that frees page
     * tables but skips lazy CPUs lets one of them walk speculatively through a freed table.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"plant-no-lazy-catchup", "plant-no-freed-tables-ipi"})
    void tlbFlushPlantsAreCaught(String plant) {
        Explorer.Outcome o = explorePct(plant, 200_000);
        assertNotNull(o.failing(), plant + ": nothing found in " + o.executions() + " executions");
        assertEquals("StaleTlb", o.failing().violation().kind(), o.failing().violation().toString());
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
