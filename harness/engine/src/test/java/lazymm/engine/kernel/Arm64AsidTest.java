package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.sim.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * arm64: the ASID allocator (arch/arm64/mm/context.c), the TLB tagged by ASID with broadcast
 * TLBI, and __switch_to's dsb(ish). Each part of the AsidClash oracle catches a bug planted for
 * it; the allocator, and membarrier on arm64, stay quiet on today's code.
 */
@NeedsAgent
class Arm64AsidTest {

    static Explorer.Outcome explore(String variant, int cpus, String strategy, long seed, long executions, boolean stepChecks) {
        return KernelOracleTest.explore(new Config(variant, "arm64", "refcount", "weak", cpus), strategy, seed, executions, stepChecks);
    }

    /**
     * plant-no-asid-flush: check_and_switch_context clears its tlb_flush_pending bit without
     * local_flush_tlb_all(), so a CPU loads an ASID of a generation it has not flushed in.
     * plant-asid-no-reserve: flush_context does not mark the active ASIDs in asid_map, so a
     * rollover hands a running mm's ASID to another mm, and check_update_reserved_asid() then
     * gives the running mm the same ASID of the new generation: two mms with one context.id
     * (a step check); without the step checks, a CPU hits the TLB entry the other mm left under
     * that ASID. plant-no-tlbi-broadcast: the TLBI of a zap reaches only the flushing CPU.
     */
    @ParameterizedTest(name = "{0} (step checks {2}) -> {3}")
    @CsvSource({
            "plant-no-asid-flush,     2, true,  AsidClash:tlb_flush_pending",
            "plant-asid-no-reserve,   2, true,  AsidClash:context.id",
            "plant-asid-no-reserve,   2, false, AsidClash:tlb",
            "plant-no-tlbi-broadcast, 3, true,  StaleTlb:tlb"})
    void plantedBugIsCaught(String plant, int cpus, boolean stepChecks, String signature) {
        Explorer.Outcome o = explore(plant, cpus, "random", 11, 100_000, stepChecks);
        assertNotNull(o.failing(), plant + ": nothing found in " + o.executions() + " executions");
        assertEquals(signature, o.failing().violation().signature(), o.failing().violation().toString());
    }

    /**
     * membarrier (e) on arm64 when switch_mm changes mm: neither check_and_switch_context (its
     * fast path is a relaxed cmpxchg) nor the TTBR writes are a full barrier; __switch_to's
     * dsb(ish) is. Without it membarrier's ordering breaks (the random walk: 555 executions with
     * the membarrier variant's programs; PCT on them: none in 74,000).
     */
    @Test
    void removingTheDsbOfSwitchToIsCaught() {
        Explorer.Outcome o = explore("plant-no-switch-to-dsb", 3, "random", 1, 100_000, true);
        assertNotNull(o.failing(), "plant-no-switch-to-dsb: nothing found in " + o.executions() + " executions");
        assertEquals("MembarrierOrdering", o.failing().violation().kind(), o.failing().violation().toString());
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
