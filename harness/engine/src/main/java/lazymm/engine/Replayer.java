package lazymm.engine;

import lazymm.engine.io.Reproducer;
import lazymm.engine.strategy.Replay;
import java.util.List;
import lazymm.model.Catalog;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Config;
import lazymm.model.sim.Target;

/** Re-runs a reproducer exactly, or says why it cannot. */
public final class Replayer {

    private Replayer() {}

    /** The target a reproducer needs, checked against this build's model version. */
    public static Target targetFor(Reproducer r) {
        Target t = null;
        for (Target c : Catalog.targets()) {
            if (c.id().equals(r.target())) t = c;
        }
        if (t == null) {
            throw new BadInput("field 'target': unknown target '" + r.target() + "' (this lazymm has "
                    + Catalog.targets().stream().map(Target::id).toList() + ")");
        }
        if (t.modelVersion() != r.modelVersion()) {
            throw new BadInput("the reproducer was written by " + r.target() + " model version "
                    + r.modelVersion() + "; this lazymm has version " + t.modelVersion()
                    + ", whose schedules differ: run explore again to get a fresh reproducer");
        }
        if (Catalog.variant(r.config().variant()) == null
                || Catalog.targetOf(r.config().variant()) != null && !Catalog.targetOf(r.config().variant()).id().equals(t.id())) {
            throw new BadInput("field 'config.variant': unknown variant '" + r.config().variant()
                    + "' (see ./lazymm list)");
        }
        Config cfg = r.config();
        List<String> arches = t.arches().isEmpty() ? List.of("none") : t.arches();
        if (!arches.contains(cfg.arch())) {
            throw new BadInput("field 'config.arch': unknown arch '" + cfg.arch() + "' for target " + t.id()
                    + " (expected " + (arches.size() == 1 ? arches.get(0) : "one of " + String.join(", ", arches)) + ")");
        }
        if (!Memory.MODES.contains(cfg.memory())) {
            throw new BadInput("field 'config.memory': unknown memory mode '" + cfg.memory() + "' (expected one of "
                    + String.join(", ", Memory.MODES) + ")");
        }
        String wrong = t.validate(cfg);
        if (wrong != null) throw new BadInput("field 'config': " + wrong);
        String bad = t.validate(r.config(), r.program());
        if (bad != null) throw new BadInput("field 'program': " + bad);
        return t;
    }

    /**
     * Records {@code r} again under this model, when the model changed what its execution does
     * (a finding that used to end it now lets it go on): the same program, the recorded schedule
     * followed as far as it fits, then the default choice (the running CPU goes on, no preemption,
     * the newest store), as schedule minimization follows its candidates; the result is the
     * execution's exact schedule, verdict and findings. The prefix the old schedule recorded is
     * kept choice for choice; what follows is one deterministic continuation, not a search.
     *
     * @return the new reproducer, or null when the execution ends clean
     */
    public static Reproducer rerecord(Reproducer r) {
        Target t = targetFor(r);
        lazymm.engine.strategy.LenientReplay s = new lazymm.engine.strategy.LenientReplay(r.schedule());
        s.startExecution();
        Execution e = new Execution(t, r.config(), r.program(), s, r.maxSteps(), true, false);
        if (r.stopOnWarn()) e.stopOn(java.util.Set.of("Warn"));
        s.labels(e::label);
        Result res = e.run();
        lazymm.model.sim.Violation v = res.violation();
        if (v == null) return null;
        java.util.Map<String, Object> foundBy = new java.util.LinkedHashMap<>(r.foundBy());
        foundBy.put("rerecorded", "the schedule recorded for " + r.signature() + " followed as far as it fits ("
                + r.schedule().size() + " choices), then the default choice; " + res.schedule().size() + " choices now");
        return new Reproducer(r.target(), r.modelVersion(), r.config(), r.program(), res.schedule(), r.maxSteps(),
                v.kind(), v.signature(), v.getMessage(), foundBy).withFindings(res.findings(), r.stopOnWarn());
    }

    /**
     * Replays {@code r}; the result's violation is what the replay ended in (compare its
     * signature with {@link Reproducer#signature()}).
     *
     * @throws BadInput when the reproducer does not fit this model, or the execution diverges
     */
    public static Result replay(Reproducer r, boolean keepTrace) {
        Target t = targetFor(r);
        Replay strategy = new Replay(r.schedule());
        strategy.startExecution();
        Execution e = new Execution(t, r.config(), r.program(), strategy, r.maxSteps(), true, keepTrace);
        if (r.stopOnWarn()) e.stopOn(java.util.Set.of("Warn"));
        strategy.labels(e::label);
        Result res;
        try {
            res = e.run();
        } catch (Replay.Diverged d) {
            throw new BadInput(d.getMessage());
        }
        if (!res.failed() && strategy.unused() > 0) {
            throw new BadInput("diverged at step " + res.steps() + ": expected " + strategy.unused()
                    + " more recorded choices, found the end of the execution");
        }
        return res;
    }
}
