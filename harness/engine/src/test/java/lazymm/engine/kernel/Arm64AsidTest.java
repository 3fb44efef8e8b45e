package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.sim.Config;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * arm64: the ASID allocator (arch/arm64/mm/context.c), the TLB tagged by ASID with broadcast
 * TLBI, and __switch_to's dsb(ish): the allocator, and membarrier on arm64, stay quiet on today's
 * code (each part of the AsidClash oracle catches the bug planted for it in PlantResultsTest).
 */
@NeedsAgent
class Arm64AsidTest {

    static Explorer.Outcome explore(String variant, int cpus, String strategy, long seed, long executions, boolean stepChecks) {
        return KernelOracleTest.explore(new Config(variant, "arm64", "refcount", "weak", cpus), strategy, seed, executions, stepChecks);
    }

    /** Today's allocator under rollovers, and membarrier users on arm64, by both strategies. */
    @ParameterizedTest(name = "{0} ({1} CPUs) by {2}")
    @CsvSource({"arm64-asid, 2, random", "arm64-asid, 2, pct", "membarrier, 3, random", "membarrier, 3, pct",
            "upstream, 3, pct"})
    void todaysArm64StaysQuiet(String variant, int cpus, String strategy) {
        Explorer.Outcome o = explore(variant, cpus, strategy, 5, 5_000, true);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(5_000, o.executions());
    }
}
