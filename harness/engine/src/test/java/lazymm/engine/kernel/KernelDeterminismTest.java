package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lazymm.engine.Execution;
import lazymm.engine.NeedsAgent;
import lazymm.engine.Result;
import lazymm.engine.SplitMix64;
import lazymm.engine.Strategy;
import lazymm.engine.strategy.Replay;
import lazymm.engine.strategy.RandomWalk;
import lazymm.model.Catalog;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;

/**
 * Determinism on the kernel model: tasks migrating between CPUs, IPIs, hotplug, weak memory.
 * The same seed gives the same traces bit for bit, and each recorded schedule replays to the
 * same trace.
 */
@NeedsAgent
class KernelDeterminismTest {

    private static List<String> run(String variant, long seed, int executions, List<Result> results) {
        Config cfg = Catalog.variant(variant).defaults();
        KernelTarget t = new KernelTarget();
        SplitMix64 programs = new SplitMix64(seed + 17);
        Strategy s = new RandomWalk(new SplitMix64(seed));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < executions; i++) {
            Program p = t.randomProgram(cfg, programs);
            s.startExecution();
            Result r = new Execution(t, cfg, p, s, Execution.DEFAULT_STEP_BOUND, true, true).run();
            out.add(p + "\n" + String.join("\n", r.trace()) + "\n" + r.violation());
            if (results != null) results.add(r);
        }
        return out;
    }

    @Test
    void sameSeedSameTracesAndEveryScheduleReplays() {
        for (String variant : new String[] {"upstream", "shootdown", "hazard-membarrier"}) {
            List<Result> results = new ArrayList<>();
            List<String> a = run(variant, 5, 30, results);
            assertEquals(a, run(variant, 5, 30, null), variant);
            Config cfg = Catalog.variant(variant).defaults();
            KernelTarget t = new KernelTarget();
            SplitMix64 programs = new SplitMix64(5 + 17);
            Set<Long> distinct = new HashSet<>();
            for (Result r : results) {
                Program p = t.randomProgram(cfg, programs);
                Replay replay = new Replay(r.schedule());
                replay.startExecution();
                Execution e = new Execution(t, cfg, p, replay, Execution.DEFAULT_STEP_BOUND, true, true);
                replay.labels(e::label);
                Result again = e.run();
                assertEquals(r.trace(), again.trace(), variant);
                assertEquals(r.traceHash(), again.traceHash(), variant);
                distinct.add(r.traceHash());
            }
            assertTrue(distinct.size() > 20, variant + ": only " + distinct.size() + " distinct executions");
        }
    }
}
