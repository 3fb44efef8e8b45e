package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import lazymm.engine.Execution;
import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.kernel.KernelVariant;
import lazymm.model.kernel.Variants;
import lazymm.model.sim.Config;
import lazymm.model.sim.Expect;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every plant's expected results, as declared in {@link Variants} (one row per arch, or more):
 * each row's search must end as the row says, a violation of the kind or signature it names, or
 * clean over its whole budget. The rows are data, as LKMM's {@code Result:} lines are; a plant
 * that is redundant on an arch says why in its row.
 */
@NeedsAgent
class PlantResultsTest {

    static Stream<Arguments> rows() {
        return Variants.plants().stream().flatMap(v -> v.results().stream().map(r -> Arguments.of(v.id(), r.arch().id, r)));
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @MethodSource("rows")
    void row(String plantId, String arch, KernelVariant.Result r) {
        KernelVariant plant = Variants.byId(plantId);
        KernelVariant.Search s = r.search();
        Config cfg = plant.config(r);
        Explorer.Outcome o = Explorer.explore(new Explorer.Settings(new KernelTarget(), cfg, s.strategy(), s.seed(), 3, 2,
                Explorer.Programs.RANDOM, s.executions(), 0, Execution.DEFAULT_STEP_BOUND, s.stepChecks(),
                s.program() == null ? null : Program.parse(s.program()), false), 1e9, null);
        if (r.expect().kind() == Expect.Kind.CLEAN) {
            assertNull(o.failing(), () -> plantId + " on " + arch + " should be clean (" + r.why() + "): "
                    + o.failing().violation() + "\n  program " + o.program());
            assertEquals(s.executions(), o.executions(), plantId + " on " + arch + ": the whole budget");
        } else {
            assertNotNull(o.failing(), plantId + " on " + arch + ": nothing found in " + o.executions() + " executions");
            Violation v = o.failing().violation();
            assertTrue(r.matches(v.kind(), v.signature()), plantId + " on " + arch + " expected " + r.expect() + ": " + v);
        }
    }
}
