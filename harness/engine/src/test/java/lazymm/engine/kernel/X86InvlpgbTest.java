package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.sim.Config;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * x86 with X86_FEATURE_INVLPGB: global ASIDs, INVLPGB + TLBSYNC, asid_transition. Today's code
 * stays quiet with every oracle on, StaleTlb and GlobalAsid included (each part of GlobalAsid,
 * and StaleTlb under a global ASID, catches the bug planted for it in PlantResultsTest:
 * plant-global-asid-no-claim, plant-global-asid-free-now, plant-invlpgb-no-tlbsync).
 */
@NeedsAgent
class X86InvlpgbTest {

    /**
     * Today's broadcast flushing; cpuidle's leave_mm() without INVLPGB (idle-leave-mm: a CPU
     * goes idle lazy, so its WARN never fires); and INVLPGB with leave_mm() and Rik van Riel's
     * posted fix (INVLPGB-IDLE without it WARNs: its committed reproducer).
     */
    @ParameterizedTest(name = "{0} ({1} CPUs) by {2}")
    @CsvSource({"upstream-invlpgb, 3, random", "upstream-invlpgb, 3, pct", "upstream-invlpgb, 2, random",
            "idle-leave-mm, 3, random", "invlpgb-idle-lazy-first, 3, random", "invlpgb-idle-lazy-first, 3, pct"})
    void todaysBroadcastFlushingStaysQuiet(String variant, int cpus, String strategy) {
        Explorer.Outcome o = KernelOracleTest.explore(new Config(variant, "x86", "refcount", "tso", cpus),
                strategy, 5, 5_000, true);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(5_000, o.executions());
    }
}
