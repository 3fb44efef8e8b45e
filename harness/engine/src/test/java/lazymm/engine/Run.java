package lazymm.engine;

import java.util.List;
import lazymm.engine.strategy.Replay;
import lazymm.model.Catalog;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;

/** Test helpers: one execution of a variant under a strategy. */
final class Run {

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
}
