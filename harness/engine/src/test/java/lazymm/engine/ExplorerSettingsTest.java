package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import lazymm.model.sim.Config;
import org.junit.jupiter.api.Test;

/** Explorer.Settings: the defaults of {@code of} are the ones every search ran with before the withers. */
class ExplorerSettingsTest {

    private static final Config CFG = new Config("bench", "none", "none", "sc", 2);

    @Test
    void defaultsAreTheOnesTheSearchesRanWith() {
        assertEquals(new Explorer.Settings(null, CFG, "random", 1, 3, 2, Explorer.Programs.RANDOM, 0, 0,
                Execution.DEFAULT_STEP_BOUND, true, null, false), Explorer.Settings.of(null, CFG));
    }

    @Test
    void eachWitherSetsItsFieldAlone() {
        var s = Explorer.Settings.of(null, CFG).strategy("pct").seed(7).pctDepth(4).preemptions(1)
                .programs(Explorer.Programs.DEFAULT).maxExecutions(20_000).seconds(2.5).maxSteps(99)
                .checkSteps(false).program(null).stopOnWarn(true);
        assertEquals(new Explorer.Settings(null, CFG, "pct", 7, 4, 1, Explorer.Programs.DEFAULT, 20_000, 2.5,
                99, false, null, true), s);
        assertEquals(Explorer.Settings.of(null, CFG).seed(7), Explorer.Settings.of(null, CFG).seed(3).seed(7));
    }

    /** A time limit past the long's range in nanoseconds is no limit, never a deadline in the past. */
    @Test
    void aDeadlineSaturatesInsteadOfOverflowing() {
        long now = System.nanoTime();
        assertEquals(Long.MAX_VALUE, Explorer.deadline(now, 1e10));
        assertEquals(Long.MAX_VALUE, Explorer.deadline(Long.MAX_VALUE - 5, 1));
        assertEquals(Long.MAX_VALUE, Explorer.deadline(now, 0));
        assertEquals(Long.MAX_VALUE, Explorer.deadline(now, Double.NaN));
        assertEquals(now + 2_500_000_000L, Explorer.deadline(now, 2.5));
        assertEquals(Long.MIN_VALUE + 1_000_000_000L, Explorer.deadline(Long.MIN_VALUE, 1));
    }
}
