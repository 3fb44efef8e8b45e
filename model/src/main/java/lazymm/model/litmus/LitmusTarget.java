package lazymm.model.litmus;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import lazymm.model.sim.Config;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;

/**
 * One litmus test as a target: one fixed program, process Pk on CPU k (the program's only
 * operation on CPU k is {@code "Pk"}). Each execution's final state goes to the
 * {@link FinalStates} given at construction. It has no variants and is not in the catalog: the
 * litmus runner builds one per test and memory mode.
 */
public final class LitmusTarget implements Target {

    private final LitmusTest test;
    private final FinalStates finals;

    public LitmusTarget(LitmusTest test, FinalStates finals) {
        this.test = test;
        this.finals = finals;
    }

    public LitmusTest test() { return test; }

    @Override public String id() { return "litmus"; }

    @Override public int modelVersion() { return 1; }

    @Override public List<Variant> variants() { return List.of(); }

    /** The configuration that runs the test under memory mode {@code mode}. */
    public Config config(String mode) {
        return new Config("litmus", "none", "none", mode, test.processes().size());
    }

    @Override
    public Program defaultProgram(Config cfg) {
        List<List<String>> p = new ArrayList<>();
        for (int i = 0; i < test.processes().size(); i++) p.add(List.of("P" + i));
        return Program.of(p);
    }

    @Override
    public Program randomProgram(Config cfg, RandomGenerator rnd) { return defaultProgram(cfg); }

    @Override
    public String validate(Config cfg, Program program) {
        if (!program.equals(defaultProgram(cfg))) {
            return "a litmus test has one program: " + defaultProgram(cfg) + ", not " + program;
        }
        if (cfg.cpus() != test.processes().size()) {
            return "the test has " + test.processes().size() + " processes but the configuration " + cfg.cpus() + " CPUs";
        }
        return null;
    }

    @Override
    public Instance create(Machine machine, Config cfg, Program program) {
        return new LitmusInstance(machine, cfg.memory(), test, finals);
    }
}
