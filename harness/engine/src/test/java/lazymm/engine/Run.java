package lazymm.engine;

import java.util.List;
import lazymm.engine.strategy.Replay;
import lazymm.model.Catalog;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;

/** Test helpers: one execution of a variant under a strategy. */
public final class Run {

    private Run() {}

    static Config config(String variant) { return Catalog.variant(variant).defaults(); }

    static Target target(String variant) { return Catalog.targetOf(variant); }

    static Result once(Target t, Config cfg, Program p, Strategy s, boolean trace) {
        s.startExecution();
        return new Execution(t, cfg, p, s, Execution.DEFAULT_STEP_BOUND, true, trace).run();
    }

    static Result replay(Target t, Config cfg, Program p, List<String> schedule) {
        Replay r = new Replay(schedule);
        r.startExecution();
        Execution e = new Execution(t, cfg, p, r, Execution.DEFAULT_STEP_BOUND, true, true);
        r.labels(e::label);
        return e.run();
    }

    static Program prog(List<List<String>> ops) { return Program.of(ops); }

    /**
     * Every execution of a small program (bounded exhaustive search, no preemption bound), each
     * handed to {@code each} after it ran; fails if the search does not end within {@code limit}.
     */
    public static void everyExecution(Target t, Config cfg, Program p, long stepBound, long limit,
                                      java.util.function.BiConsumer<Execution, Result> each) {
        lazymm.engine.strategy.Exhaustive s = new lazymm.engine.strategy.Exhaustive(Integer.MAX_VALUE);
        long n = 0;
        while (s.startExecution() && n < limit) {
            Execution e = new Execution(t, cfg, p, s, stepBound, false, false);
            each.accept(e, e.run());
            n++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(n < limit, "search did not end");
    }
}
