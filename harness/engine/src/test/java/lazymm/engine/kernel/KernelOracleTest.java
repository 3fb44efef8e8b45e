package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        return explore(new Config(variant, arch, lazyTlb, memory, 3), "random", 11, executions, stepChecks);
    }

    /** The kernel model on {@code cfg}, random programs, until a violation or {@code executions}. */
    static Explorer.Outcome explore(Config cfg, String strategy, long seed, long executions, boolean stepChecks) {
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy(strategy).seed(seed).maxExecutions(executions).checkSteps(stepChecks), 1e9, null);
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
        return explore("pct", 1, new Config(variant, "x86", "refcount", "tso", 3), executions, program);
    }

    static Explorer.Outcome explore(String strategy, long seed, String variant, String lazyTlb, long executions) {
        return explore(strategy, seed, new Config(variant, "x86", lazyTlb, "tso", 3), executions, null);
    }

    static Explorer.Outcome explore(String strategy, long seed, Config cfg, long executions, Program program) {
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy(strategy).seed(seed).maxExecutions(executions).program(program), 1e9, null);
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

    /**
     * Barrier (g), the full barrier after kthread_use_mm() stores tsk->mm, which
     * mmdrop_lazy_tlb() provides. On x86 it is redundant in v7.1.5: a kthread lazily on the mm it
     * starts to use goes through switch_mm_irqs_off's lazy path, whose smp_mb() (to read tlb_gen)
     * orders the store (except for an mm with an INVLPGB global ASID, not modelled, where the
     * function returns before it). It matters where switch_mm returns early when the mm does not
     * change: powerpc, under SHOOTDOWN (mmdrop_lazy_tlb() is a bare smp_mb()), weak memory.
     */
    @Test
    void removingBarrierGIsCaughtOnPowerpc() {
        Explorer.Outcome o = explore("pct", 1, new Config("plant-no-mb-g", "powerpc", "shootdown", "weak", 3), 300_000, null);
        assertNotNull(o.failing(), "plant-no-mb-g: nothing found in " + o.executions() + " executions");
        assertEquals("MembarrierOrdering", o.failing().violation().kind(), o.failing().violation().toString());
    }

    /**
     * Each membarrier command without its IPIs, and SYNC_CORE without finish_task_switch()'s core
     * sync for a kthread -> user switch (user -> kthread -> user on one mm: no CR3 write): the
     * oracle of that command catches it. The ordering oracles need stores to stay buffered, which
     * PCT does; a missing core sync is a matter of control flow, which the random walk finds. The
     * cpu_id form needs the fast path on the very CPU the slow path names: from random programs
     * (with the TLB operations in the mix) PCT needs more than 100,000 executions, so it runs on a
     * program whose slow paths name each CPU in turn (found in about 100 to 300).
     */
    @ParameterizedTest(name = "{0} by {1}, seed {2}")
    @CsvSource({
            "plant-no-ipi-global,       pct,    1,  MembarrierOrdering:membarrier_global_expedited, MEMBARRIER_CMD_GLOBAL_EXPEDITED,",
            "plant-no-ipi-cpu,          pct,    2,  MembarrierOrdering:membarrier_private_expedited, MEMBARRIER_CMD_FLAG_CPU, user:1 mbregrseq mbcpu:0 mbcpu:1 mbcpu:2 | user:1 mbfast mbfast | user:1 mbfast mbfast",
            "plant-no-ipi-sync-core,    random, 11, MembarrierSyncCore:membarrier_private_expedited, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,",
            "plant-no-sync-core-switch, random, 11, MembarrierSyncCore:membarrier_private_expedited, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,"})
    void eachMembarrierCommandsOracleCatchesItsPlant(String plant, String strategy, long seed, String signature,
                                                     String command, String program) {
        Explorer.Outcome o = explore(strategy, seed, new Config(plant, "x86", "refcount", "tso", 3), 100_000,
                program == null ? null : Program.parse(program));
        assertNotNull(o.failing(), plant + ": nothing found in " + o.executions() + " executions");
        assertEquals(signature, o.failing().violation().signature(), o.failing().violation().toString());
        assertTrue(o.failing().violation().getMessage().contains(command), o.failing().violation().toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upstream", "shootdown", "hazard", "hazard-batch", "hazard-arm64", "HP-WARN", "membarrier",
            "hazard-membarrier", "hazard-membarrier-x86"})
    void correctSchemesStayQuietWithEveryOracleOn(String variant) {
        Config cfg = lazymm.model.Catalog.variant(variant).defaults();
        Explorer.Outcome o = explore(variant, cfg.arch(), cfg.lazyTlb(), cfg.memory(), 3_000, true);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(3_000, o.executions());
    }

    /** The variants with membarrier users stay quiet under PCT too, which keeps stores buffered longer. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"membarrier, refcount", "hazard-membarrier, hazard"})
    void membarrierVariantsStayQuietUnderPct(String variant, String lazyTlb) {
        Explorer.Outcome o = explore("pct", 7, variant, lazyTlb, 3_000);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(3_000, o.executions());
    }
}
