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

    @ParameterizedTest(name = "upstream-invlpgb ({0} CPUs) by {1}")
    @CsvSource({"3, random", "3, pct", "2, random"})
    void todaysBroadcastFlushingStaysQuiet(int cpus, String strategy) {
        Explorer.Outcome o = KernelOracleTest.explore(new Config("upstream-invlpgb", "x86", "refcount", "tso", cpus),
                strategy, 5, 5_000, true);
        assertNull(o.failing(), () -> "upstream-invlpgb: " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(5_000, o.executions());
    }
}
