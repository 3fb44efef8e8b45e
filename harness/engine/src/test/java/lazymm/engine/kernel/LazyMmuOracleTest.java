package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.Catalog;
import lazymm.model.sim.Config;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The LazyMmu oracle (seed 004's contract for the lazy MMU mode): it catches the pre-series
 * single-flag backends' nesting, and stays quiet on today's generic layer with every backend (the
 * bugs planted in the generic layer are caught on each backend in PlantResultsTest).
 */
@NeedsAgent
class LazyMmuOracleTest {

    private static Explorer.Outcome explore(String strategy, String variant, String arch, String memory, long executions) {
        return KernelOracleTest.explore(strategy, 11, new Config(variant, arch, "refcount", memory, 3), executions, null);
    }

    @ParameterizedTest(name = "{0} on {1} -> {3}")
    @CsvSource({
            // the pre-series arch state (LAZYMMU-NEST's switches) on the other backends, where the
            // generic layer had no interrupt bail-out either: powerpc's batch->active is cleared by
            // a nested leave, and an interrupt's updates go into the interrupted task's batch;
            // Xen's enter_lazy() (after c36549ff8d84 reverted 49147beb0ccb's per-CPU nesting count)
            // BUGs on a nested enter, the task's own or an interrupt's
            "LAZYMMU-NEST,           powerpc, weak, LazyMmu:not batched|LazyMmu:batched outside",
            "LAZYMMU-NEST,           x86,     tso,  LazyMmu:imbalance:enter_lazy"})
    void caught(String variant, String arch, String memory, String signature) {
        Explorer.Outcome o = explore("random", variant, arch, memory, 20_000);
        assertNotNull(o.failing(), variant + " on " + arch + ": nothing found in " + o.executions() + " executions");
        assertEquals("LazyMmu", o.failing().violation().kind(), o.failing().violation().toString());
        String sig = o.failing().violation().signature();
        assertTrue(("|" + signature + "|").contains("|" + sig + "|"), o.failing().violation().toString());
    }

    @ParameterizedTest(name = "{0} by {1}")
    @CsvSource({"lazymmu, random", "lazymmu, pct", "lazymmu-arm64, random", "lazymmu-arm64, pct",
            "lazymmu-powerpc, random", "lazymmu-powerpc, pct", "lazymmu-sparc, random", "lazymmu-sparc, pct"})
    void todaysLayerStaysQuiet(String variant, String strategy) {
        Config cfg = Catalog.variant(variant).defaults();
        Explorer.Outcome o = explore(strategy, variant, cfg.arch(), cfg.memory(), 3_000);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(3_000, o.executions());
    }
}
