package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lazymm.engine.strategy.Pct;
import lazymm.engine.strategy.RandomWalk;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import org.junit.jupiter.api.Test;

/**
 * Same choices, same trace, bit for bit: on the refcount example with 3 CPUs and random programs
 * (several hundred steps of interleaved atomics, loads, stores and frees per execution).
 */
@NeedsAgent
class DeterminismTest {

    private static final String VARIANT = "example-refcount-drop-fixed";

    private static List<String> runMany(long seed, int executions, boolean pct) {
        Target t = Run.target(VARIANT);
        Config cfg = Run.config(VARIANT).withCpus(3);
        SplitMix64 programs = new SplitMix64(seed + 1000);
        Strategy s = pct ? new Pct(new SplitMix64(seed), 3) : new RandomWalk(new SplitMix64(seed));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < executions; i++) {
            Program p = t.randomProgram(cfg, programs);
            Result r = Run.once(t, cfg, p, s, true);
            out.add(p + "\n" + String.join("\n", r.trace()) + "\n" + r.schedule() + " " + r.traceHash());
        }
        return out;
    }

    @Test
    void sameSeedSameTraces() {
        for (boolean pct : new boolean[] {false, true}) {
            List<String> a = runMany(7, 200, pct);
            List<String> b = runMany(7, 200, pct);
            assertEquals(a, b);
            assertNotEquals(a, runMany(8, 200, pct), "the seed makes no difference");
        }
    }

    @Test
    void replayOfRecordedChoicesGivesTheSameTrace() {
        Target t = Run.target(VARIANT);
        Config cfg = Run.config(VARIANT).withCpus(3);
        SplitMix64 programs = new SplitMix64(99);
        RandomWalk s = new RandomWalk(new SplitMix64(99));
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Program p = t.randomProgram(cfg, programs);
            Result r = Run.once(t, cfg, p, s, true);
            Result again = Run.replay(t, cfg, p, r.schedule());
            assertEquals(r.trace(), again.trace());
            assertEquals(r.traceHash(), again.traceHash());
            assertEquals(r.steps(), again.steps());
            distinct.add(r.traceHash());
        }
        assertTrue(distinct.size() > 50, "the executions hardly differ: " + distinct.size() + " distinct traces");
    }
}
