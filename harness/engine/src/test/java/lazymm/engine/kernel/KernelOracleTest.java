package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel model's oracles stay quiet on the correct model, with every oracle on. That each
 * oracle catches the bugs planted for it is PlantResultsTest's, from the plants' declared
 * results (Variants).
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

    static Explorer.Outcome explore(String strategy, long seed, String variant, String lazyTlb, long executions) {
        return explore(strategy, seed, new Config(variant, "x86", lazyTlb, "tso", 3), executions, null);
    }

    static Explorer.Outcome explore(String strategy, long seed, Config cfg, long executions, Program program) {
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy(strategy).seed(seed).maxExecutions(executions).program(program), 1e9, null);
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

    /**
     * A violation inside a system call is reported as itself. Here a data race on task->mm in
     * membarrier_private_expedited()'s scan of rq->curr (TASK-MM-RACE, under rcu_read_lock()):
     * the model once left sys_membarrier() through a finally that ran lockdep_sys_exit(), which
     * replaced the race with "lock held when returning to user space" for a return that never
     * happened. The reproducer is that report as it was written (kind Warn), replayed.
     */
    @org.junit.jupiter.api.Test
    void aViolationInsideMembarriersReadSideSectionIsReportedAsItself() throws Exception {
        lazymm.engine.io.Reproducer r = lazymm.engine.io.Reproducer.read(java.nio.file.Path.of(
                getClass().getResource("/reproducers/TASK-MM-RACE.race-in-membarrier-scan.json").toURI()));
        assertEquals("Warn:lockdep_sys_exit", r.signature());  // what the old model said
        lazymm.engine.Result res = lazymm.engine.Replayer.replay(r, false);
        assertEquals("LkmmDataRace", res.violation().kind(), () -> res.violation().toString());
    }

    /**
     * GLOBAL_EXPEDITED on an mm whose registration took the single-user path while a kthread's
     * unasked mmget_not_zero() raced with it: the kthread's CPU kept a runqueue state without
     * GLOBAL_EXPEDITED, and the registering thread, switched in there later from the kthread (same
     * mm, no barrier on powerpc), ran a fast path the scan had skipped. The oracle does not hold
     * such pairs (MembarrierUser.covers: a real kthread's reference comes from the process). The
     * reproducer is the report as the bench found it (on MUT-2ecedd756908, replayed on
     * membarrier --arch powerpc): followed as far as it fits, it ends clean.
     */
    @org.junit.jupiter.api.Test
    void aGlobalPairOnAnMmRegisteredAloneBesideAKthreadIsNotHeld() throws Exception {
        lazymm.engine.io.Reproducer r = lazymm.engine.io.Reproducer.read(java.nio.file.Path.of(
                getClass().getResource("/reproducers/membarrier-powerpc.global-single-user-kthread.json").toURI()));
        assertEquals("MembarrierOrdering:membarrier_global_expedited", r.signature());  // what the oracle said
        var s = new lazymm.engine.strategy.LenientReplay(r.schedule());
        s.startExecution();
        var e = new lazymm.engine.Execution(lazymm.engine.Replayer.targetFor(r), r.config(), r.program(), s,
                r.maxSteps(), true, false);
        s.labels(e::label);
        lazymm.engine.Result res = e.run();
        assertNull(res.violation(), () -> String.valueOf(res.violation()));
    }

    /** The variants with membarrier users stay quiet under PCT too, which keeps stores buffered longer. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"membarrier, refcount", "hazard-membarrier, hazard"})
    void membarrierVariantsStayQuietUnderPct(String variant, String lazyTlb) {
        Explorer.Outcome o = explore("pct", 7, variant, lazyTlb, 3_000);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(3_000, o.executions());
    }

    /**
     * membarrier.c's scenarios D (a thread's fast path, then exit_mm()) and E (a kthread's, then
     * kthread_unuse_mm()) on powerpc: today's kernel stays quiet over 5,000 PCT executions of the
     * programs on which plant-no-mb-exit and plant-no-mb-unuse are caught (PlantResultsTest: the
     * same seed finds them in 2,492 and 909), now that the oracle reads the flags of threads that
     * left the mm.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"user:1 mbreg mbslow mbslow | user:1 mbfast", "user:1 mbreg mbslow mbslow | kthread use:1 mbfast unuse"})
    void threadsLeavingTheMmDuringACallStayQuietOnPowerpc(String program) {
        Config cfg = new Config("membarrier", "powerpc", "refcount", "weak", 3);
        Explorer.Outcome o = explore("pct", 1, cfg, 5_000, Program.parse(program));
        assertNull(o.failing(), () -> program + ": " + o.failing().violation());
        assertEquals(5_000, o.executions());
    }
}
