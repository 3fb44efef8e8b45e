package lazymm.engine.fuzz;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;
import lazymm.engine.SplitMix64;
import lazymm.engine.BadInput;
import lazymm.engine.Execution;
import lazymm.engine.Result;
import lazymm.engine.io.Reproducer;
import lazymm.model.Catalog;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;
import lazymm.model.sim.Violation;

/**
 * The fuzz target: every byte string is one execution of the model, within what the campaign
 * allows. The same logic runs under the JUnit {@code @FuzzTest}s and under {@code ./lazymm fuzz}.
 *
 * <p>Input layout (every byte string is valid; missing bytes read as 0):
 * <pre>
 *   byte 0          the configuration: CPUs = minCpus + b % (maxCpus - minCpus + 1)
 *   byte 1          P = b &amp; 63, the length of the program section; bits 6-7, f: the schedule's
 *                   form (0, 3: the priority form; 1: the choice form, then a random walk; 2: the
 *                   choice form, then a swarm schedule seeded by the input)
 *   bytes 2..2+P    the program: the target's own randomProgram drawing from these bytes
 *                   (one byte per small draw; once they run out, a generator seeded by the input)
 *   bytes 2+P..     the schedule (see FuzzStrategy): in the choice form one byte per choice with two
 *                   or more options, then the seeded fallback (a swarm schedule: a random walk, PCT,
 *                   or a walk that holds one CPU or its store buffer for a window, with drains
 *                   weighted per input; see FuzzStrategy); in the priority form a PCT
 *                   configuration (priorities per CPU, interrupt and drain, change points), then
 *                   one byte per value or preemption choice
 * </pre>
 */
public final class FuzzTarget {

    /** The most program bytes one input can carry. */
    public static final int MAX_PROGRAM_BYTES = 63;

    /**
     * What a campaign allows: one variant's configuration, with the CPU count in a range.
     *
     * @param target     the model
     * @param config     the configuration (its cpus is replaced by the decoded count)
     * @param minCpus    the fewest CPUs an input may choose
     * @param maxCpus    the most
     * @param maxSteps   the step bound of one execution
     * @param checkSteps check the model's invariants after every step
     */
    public record Campaign(Target target, Config config, int minCpus, int maxCpus, long maxSteps,
                           boolean checkSteps) {

        public Campaign {
            if (minCpus < 1 || maxCpus > Config.MAX_CPUS || minCpus > maxCpus) {
                throw new BadInput("the CPU range must be within " + Config.CPUS_BOUND + " and not empty, got " + minCpus + ".." + maxCpus);
            }
        }

        /** A variant on its default configuration. */
        public static Campaign of(String variant) {
            Variant v = Catalog.variant(variant);
            if (v == null) throw new BadInput("unknown variant '" + variant + "' (see ./lazymm list)");
            Config c = v.defaults();
            return new Campaign(Catalog.targetOf(variant), c, c.cpus(), c.cpus(),
                    Execution.DEFAULT_STEP_BOUND, true);
        }
    }

    /**
     * One input, run.
     *
     * @param config        the decoded configuration
     * @param program       the decoded program
     * @param result        the execution
     * @param scheduleBytes schedule bytes read
     * @param fellBack      true if the bytes ran out and the fallback finished the schedule
     * @param features      distinct interleaving features of this execution
     */
    public record Run(Config config, Program program, Result result, int scheduleBytes, boolean fellBack,
                      int features) {
        public Violation violation() { return result.violation(); }
    }

    /** The decoded configuration and program, and where the schedule starts. */
    public record Decoded(Config config, Program program, int scheduleFrom, FuzzStrategy.Form form) {}

    private FuzzTarget() {}

    public static Decoded decode(Campaign c, byte[] data) {
        int b0 = data.length > 0 ? data[0] & 0xff : 0;
        int b1 = data.length > 1 ? data[1] & 0xff : 0;
        Config cfg = c.config().withCpus(c.minCpus() + b0 % (c.maxCpus() - c.minCpus() + 1));
        int p = b1 & MAX_PROGRAM_BYTES;
        int from = Math.min(2, data.length);
        int to = Math.min(2 + p, data.length);
        // Half the inputs, the empty and the shortest among them, are PCT schedules (the priority
        // form): with random programs it is the strongest of the forms on the bugs that need one
        // CPU, or its stores, held across another CPU's whole kernel call (docs/DESIGN.md, "How
        // fuzz inputs decode"). Past the bytes, program draws come from a generator seeded by the
        // input, so a short input is a random program, not the smallest one.
        FuzzStrategy.Form form = switch (b1 >> 6) {
            case 1 -> FuzzStrategy.Form.CHOICE_RANDOM;
            case 2 -> FuzzStrategy.Form.CHOICE_SWARM;
            default -> FuzzStrategy.Form.PRIORITY;
        };
        RandomGenerator rest = new SplitMix64(~FuzzStrategy.seedOf(data));
        Program program = c.target().randomProgram(cfg, new ByteRandom(data, from, to, rest));
        if (program == null || c.target().validate(cfg, program) != null) {
            program = c.target().defaultProgram(cfg);  // a target whose generator is partial
        }
        return new Decoded(cfg, program, 2 + p, form);
    }

    /** Runs one input; features go to {@code features} (null: none are computed). */
    public static Run run(Campaign c, byte[] data, IntConsumer features) {
        return run(c, data, features, FuzzStrategy.Features.DEFAULT);
    }

    /** Runs one input with the given kinds of interleaving features. */
    public static Run run(Campaign c, byte[] data, IntConsumer features, FuzzStrategy.Features kinds) {
        Decoded d = decode(c, data);
        FuzzStrategy s = new FuzzStrategy(data, d.scheduleFrom(), d.form(), features, kinds);
        s.startExecution();
        Execution e = new Execution(c.target(), d.config(), d.program(), s, c.maxSteps(), c.checkSteps(), false);
        Result r = e.run();
        return new Run(d.config(), d.program(), r, s.bytesRead(d.scheduleFrom()), s.fellBack(), s.distinctFeatures());
    }

    /**
     * The reproducer of a failed run: the program and the labels of the choices the execution
     * actually took, which {@code ./lazymm replay} follows exactly.
     */
    public static Reproducer reproducer(Campaign c, Run r, byte[] input, Map<String, Object> extra) {
        Violation v = r.violation();
        Map<String, Object> foundBy = new LinkedHashMap<>();
        foundBy.put("command", "fuzz");
        foundBy.putAll(extra);
        foundBy.put("input", HexFormat.of().formatHex(input));
        return new Reproducer(c.target().id(), c.target().modelVersion(), r.config(), r.program(),
                r.result().schedule(), c.maxSteps(), v.kind(), v.signature(), v.getMessage(), foundBy)
                .withFindings(r.result().findings(), false);
    }
}
