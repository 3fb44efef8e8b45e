package lazymm.example;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import lazymm.model.sim.Config;
import lazymm.model.sim.Expect;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;

/**
 * The documented example models, apart from the kernel model: small enough to read in a minute,
 * and enough to show every part of the engine (explore, replay, strategies, the agent).
 *
 * <table>
 * <caption>Variants</caption>
 * <tr><th>id</th><th>what</th><th>expects</th></tr>
 * <tr><td>example-lost-update</td><td>counter++ on a plain field</td><td>LostUpdate</td></tr>
 * <tr><td>example-lost-update-fixed</td><td>atomic_inc_return</td><td>nothing</td></tr>
 * <tr><td>example-refcount-drop</td><td>atomic_dec, then atomic_read == 0</td><td>DoubleFree</td></tr>
 * <tr><td>example-refcount-drop-fixed</td><td>atomic_dec_and_test</td><td>nothing</td></tr>
 * </table>
 */
public final class ExampleTarget implements Target {

    private static Config cfg(String id, int cpus) {
        return new Config(id, "none", "none", "sc", cpus);
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("example-lost-update",
                    "example: counter++ on a plain field loses increments",
                    cfg("example-lost-update", 2), Expect.violation("LostUpdate")),
            new Variant("example-lost-update-fixed",
                    "example: the counter with atomic_inc_return",
                    cfg("example-lost-update-fixed", 2), Expect.CLEAN),
            new Variant("example-refcount-drop",
                    "example: put() tests the refcount with a separate load, two CPUs free",
                    cfg("example-refcount-drop", 2), Expect.violation("DoubleFree")),
            new Variant("example-refcount-drop-fixed",
                    "example: put() with atomic_dec_and_test",
                    cfg("example-refcount-drop-fixed", 2), Expect.CLEAN));

    @Override public String id() { return "example"; }

    @Override public int modelVersion() { return 1; }

    @Override public List<Variant> variants() { return VARIANTS; }

    private static boolean isCounter(Config cfg) { return cfg.variant().startsWith("example-lost-update"); }

    @Override
    public Program defaultProgram(Config cfg) {
        List<List<String>> p = new ArrayList<>();
        for (int c = 0; c < cfg.cpus(); c++) {
            p.add(isCounter(cfg) ? List.of("inc", "inc") : List.of("use", "put"));
        }
        return Program.of(p);
    }

    @Override
    public Program randomProgram(Config cfg, RandomGenerator rnd) {
        List<List<String>> p = new ArrayList<>();
        for (int c = 0; c < cfg.cpus(); c++) {
            List<String> ops = new ArrayList<>();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                if (isCounter(cfg)) {
                    ops.add("inc");
                } else {
                    switch (rnd.nextInt(3)) {
                        case 0 -> ops.add("use");
                        case 1 -> { ops.add("get"); ops.add("use"); ops.add("put"); }
                        default -> { }
                    }
                }
            }
            if (!isCounter(cfg)) {
                ops.add("put");  // every CPU drops the reference it started with
            }
            p.add(ops);
        }
        return Program.of(p);
    }

    @Override
    public String validate(Config cfg, Program program) {
        if (program.cpus() != cfg.cpus()) {
            return "the program has " + program.cpus() + " CPUs but the configuration has " + cfg.cpus();
        }
        List<String> vocab = isCounter(cfg) ? List.of("inc") : List.of("get", "use", "put");
        for (int c = 0; c < program.cpus(); c++) {
            int held = 1;
            for (String op : program.ops(c)) {
                if (!vocab.contains(op)) {
                    return "cpu" + c + ": unknown operation '" + op + "' (expected one of " + vocab + ")";
                }
                if (op.equals("get")) held++;
                if (op.equals("put")) held--;
                if (held < 0) return "cpu" + c + ": 'put' without a reference held";
            }
            if (!isCounter(cfg) && held != 0) {
                return "cpu" + c + ": ends holding " + held + " reference(s); every get needs a put";
            }
        }
        return null;
    }

    @Override
    public Instance create(Machine machine, Config cfg, Program program) {
        return switch (cfg.variant()) {
            case "example-lost-update" -> new LostUpdate(machine, cfg.memory(), program, false);
            case "example-lost-update-fixed" -> new LostUpdate(machine, cfg.memory(), program, true);
            case "example-refcount-drop" -> new RefcountDrop(machine, cfg.memory(), program, false);
            case "example-refcount-drop-fixed" -> new RefcountDrop(machine, cfg.memory(), program, true);
            default -> throw new IllegalArgumentException("not an example variant: " + cfg.variant());
        };
    }
}
