package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lazymm.model.sim.Config;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each strategy finds the example bugs from scratch, and never flags the fixed examples. */
@NeedsAgent
class ExampleExploreTest {

    private static Explorer.Outcome explore(String variant, String strategy, long executions) {
        Config cfg = Run.config(variant);
        Explorer.Programs programs = strategy.equals("exhaustive") ? Explorer.Programs.DEFAULT : Explorer.Programs.RANDOM;
        return Explorer.explore(Explorer.Settings.of(Run.target(variant), cfg)
                .strategy(strategy).seed(42).programs(programs).maxExecutions(executions), 1e9, null);
    }

    @ParameterizedTest
    @CsvSource({
            "example-lost-update, random, LostUpdate",
            "example-lost-update, pct, LostUpdate",
            "example-lost-update, exhaustive, LostUpdate",
            "example-refcount-drop, random, DoubleFree",
            "example-refcount-drop, pct, DoubleFree",
            "example-refcount-drop, exhaustive, DoubleFree"})
    void findsTheBugAndReplayShowsTheSameViolation(String variant, String strategy, String kind) {
        Explorer.Outcome o = explore(variant, strategy, 10_000);
        assertNotNull(o.failing(), strategy + " found nothing in " + o.executions() + " executions");
        assertEquals(kind, o.failing().violation().kind());

        Result again = Run.replay(Run.target(variant), Run.config(variant), o.program(), o.failing().schedule());
        assertNotNull(again.violation());
        assertEquals(o.failing().violation().signature(), again.violation().signature());
        assertEquals(o.failing().traceHash(), again.traceHash(), "replay took another path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "pct"})
    void fixedExamplesStayQuiet(String strategy) {
        for (String v : new String[] {"example-lost-update-fixed", "example-refcount-drop-fixed"}) {
            Explorer.Outcome o = explore(v, strategy, 3_000);
            assertNull(o.failing(), () -> v + ": " + o.failing().violation());
            assertEquals(3_000, o.executions());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"example-lost-update-fixed", "example-refcount-drop-fixed"})
    void exhaustiveSearchOfTheFixedExamplesCompletes(String variant) {
        Explorer.Outcome o = explore(variant, "exhaustive", 1_000_000);
        assertNull(o.failing());
        assertTrue(o.exhausted(), "search did not complete");
        assertTrue(o.executions() > 1, "only " + o.executions() + " executions");
    }
}
