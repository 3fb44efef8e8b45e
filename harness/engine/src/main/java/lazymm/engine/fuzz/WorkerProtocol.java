package lazymm.engine.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import lazymm.engine.Execution;

/**
 * What {@code ./lazymm fuzz} (the supervisor) and its worker JVMs ({@link FuzzEntry} under Jazzer)
 * say to each other, written and read in this one place by both sides.
 *
 * <p><b>Supervisor to worker</b>: a {@link WorkerConfig}, as system properties
 * {@code -Dlazymm.fuzz.<field>=<value>} on the worker's command line ({@link WorkerConfig#jvmArgs},
 * {@link WorkerConfig#read}). A property left out takes its default, so a driver that knows only
 * some (ClusterFuzzLite's build.sh sets {@code variant} and {@code out}) still works.
 *
 * <p><b>Worker to supervisor</b>: {@link Message}s, one a line on the worker's standard error
 * (which the supervisor merges with its output and also keeps in the worker's log), each line
 * starting with {@value #PREFIX}; fields are separated by spaces (numbers) or tabs (a signature,
 * a path). Lines without the prefix are libFuzzer's and Jazzer's own.
 */
public final class WorkerProtocol {

    /** The start of every message line. */
    public static final String PREFIX = "@lazymm ";
    /** The start of every property name. */
    public static final String PROPERTY = "lazymm.fuzz.";

    private WorkerProtocol() {}

    /** A message or a property that does not parse: what, and the text as it came. */
    public static final class MalformedException extends IllegalArgumentException {
        MalformedException(String what, String text) {
            super("malformed fuzz worker " + what + ": '" + text + "'");
        }
    }

    /** The interleaving features a worker gives to the fuzzer beside code coverage ({@code --feedback}). */
    public enum Feedback {
        /** Ordered pairs of conflicting accesses to one location by two CPUs (the default). */
        CONFLICTS(FuzzStrategy.Features.CONFLICTS),
        /** The pair of accesses each switch of CPU makes adjacent. */
        SWITCHES(FuzzStrategy.Features.SWITCHES),
        /** Both. */
        ALL(FuzzStrategy.Features.ALL),
        /** None: code coverage only. */
        NONE(null);

        private final FuzzStrategy.Features features;

        Feedback(FuzzStrategy.Features features) { this.features = features; }

        /** The kinds of features to compute, or null for none. */
        public FuzzStrategy.Features features() { return features; }

        /** The name on the command line and in properties and reports: conflicts, switches, all, none. */
        @Override
        public String toString() { return name().toLowerCase(Locale.ROOT); }

        /** The feedback named {@code text} (as {@link #toString} writes it), or null. */
        public static Feedback parse(String text) {
            for (Feedback f : values()) {
                if (f.toString().equals(text)) return f;
            }
            return null;
        }
    }

    /**
     * One worker's campaign and duties.
     *
     * @param variant      the variant (its default configuration is the base)
     * @param arch         run it on this architecture (null or the variant's own: as it is)
     * @param memory       override its memory mode (null: as the variant or arch has it)
     * @param minCpus      the fewest CPUs an input may choose (null: the configuration's count)
     * @param maxCpus      the most (null: the configuration's count)
     * @param maxSteps     the step bound of one execution
     * @param out          where findings go
     * @param keepGoing    go on after a finding (else the worker ends at its first)
     * @param feedback     the interleaving features given to the fuzzer
     * @param worker       this worker's number, in the reproducers' found_by
     * @param watchParent  end when standard input closes (the supervisor died)
     * @param minimizeRuns the most executions to spend minimizing a finding's input
     */
    public record WorkerConfig(String variant, String arch, String memory, Integer minCpus, Integer maxCpus,
                               long maxSteps, Path out, boolean keepGoing, Feedback feedback, int worker,
                               boolean watchParent, int minimizeRuns, long seed, int generate) {

        public static final String DEFAULT_VARIANT = "upstream";
        public static final Path DEFAULT_OUT = Path.of("lazymm-out");
        public static final int DEFAULT_MINIMIZE_RUNS = 2000;
        /** Generated inputs run after each of Jazzer's (FuzzEntry): one, half the executions. */
        public static final int DEFAULT_GENERATE = 1;

        public WorkerConfig {
            if (variant == null || variant.isEmpty()) throw new IllegalArgumentException("a worker needs a variant");
            if (out == null) throw new IllegalArgumentException("a worker needs an output folder");
            if (feedback == null) throw new IllegalArgumentException("a worker needs a feedback kind");
            if (arch != null && arch.isEmpty()) arch = null;
            if (memory != null && memory.isEmpty()) memory = null;
        }

        /** A worker of {@code variant} with every other field at its default (what absent properties mean). */
        public static WorkerConfig of(String variant) {
            return new WorkerConfig(variant, null, null, null, null, Execution.DEFAULT_STEP_BOUND, DEFAULT_OUT,
                    false, Feedback.CONFLICTS, 0, false, DEFAULT_MINIMIZE_RUNS, 1, DEFAULT_GENERATE);
        }

        /**
         * The campaign this worker runs: the variant's default configuration, on {@code arch} if
         * it is another, with {@code memory}, the CPU count between {@code minCpus} and {@code maxCpus}.
         */
        public FuzzTarget.Campaign campaign() {
            FuzzTarget.Campaign base = FuzzTarget.Campaign.of(variant);
            lazymm.model.sim.Config cfg = base.config();
            if (arch != null && !arch.equals(cfg.arch())) cfg = base.target().onArch(cfg, arch);
            if (memory != null) cfg = cfg.withMemory(memory);
            return new FuzzTarget.Campaign(base.target(), cfg, minCpus != null ? minCpus : cfg.cpus(),
                    maxCpus != null ? maxCpus : cfg.cpus(), maxSteps, true);
        }

        /** The system properties that say this, as JVM arguments ({@code -Dlazymm.fuzz.variant=...}); nulls are left out. */
        public List<String> jvmArgs() {
            List<String> a = new ArrayList<>();
            put(a, "variant", variant);
            put(a, "arch", arch);
            put(a, "memory", memory);
            put(a, "minCpus", minCpus);
            put(a, "maxCpus", maxCpus);
            put(a, "maxSteps", maxSteps);
            put(a, "out", out);
            put(a, "keepGoing", keepGoing);
            put(a, "feedback", feedback);
            put(a, "worker", worker);
            put(a, "watchParent", watchParent);
            put(a, "minimizeRuns", minimizeRuns);
            put(a, "seed", seed);
            put(a, "generate", generate);
            return a;
        }

        private static void put(List<String> a, String key, Object value) {
            if (value != null) a.add("-D" + PROPERTY + key + "=" + value);
        }

        /** The worker's configuration from this JVM's system properties. */
        public static WorkerConfig fromSystemProperties() {
            return read(key -> System.getProperty(PROPERTY + key));
        }

        /**
         * Reads a configuration: {@code property} gives the value of a field by its name (without
         * {@value #PROPERTY}), null when absent (the default). A value that does not parse is a
         * {@link MalformedException} naming the property.
         */
        public static WorkerConfig read(UnaryOperator<String> property) {
            WorkerConfig d = of(Optional.ofNullable(property.apply("variant")).orElse(DEFAULT_VARIANT));
            String out = property.apply("out");
            String feedback = property.apply("feedback");
            Feedback fb = feedback == null ? d.feedback() : Feedback.parse(feedback);
            if (fb == null) throw new MalformedException("property " + PROPERTY + "feedback", feedback);
            return new WorkerConfig(d.variant(), property.apply("arch"), property.apply("memory"),
                    integer(property, "minCpus", null), integer(property, "maxCpus", null),
                    number(property, "maxSteps", d.maxSteps()),
                    out == null || out.isEmpty() ? d.out() : Path.of(out),
                    bool(property, "keepGoing", d.keepGoing()), fb,
                    integer(property, "worker", d.worker()), bool(property, "watchParent", d.watchParent()),
                    integer(property, "minimizeRuns", d.minimizeRuns()), number(property, "seed", d.seed()),
                    integer(property, "generate", d.generate()));
        }

        private static Integer integer(UnaryOperator<String> p, String key, Integer dflt) {
            String v = p.apply(key);
            if (v == null) return dflt;
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new MalformedException("property " + PROPERTY + key + " (an integer)", v);
            }
        }

        private static long number(UnaryOperator<String> p, String key, long dflt) {
            String v = p.apply(key);
            if (v == null) return dflt;
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new MalformedException("property " + PROPERTY + key + " (an integer)", v);
            }
        }

        private static boolean bool(UnaryOperator<String> p, String key, boolean dflt) {
            String v = p.apply(key);
            if (v == null) return dflt;
            return switch (v.trim()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new MalformedException("property " + PROPERTY + key + " (true or false)", v);
            };
        }
    }

    /** What a worker reports, one line each. */
    public sealed interface Message {

        /** The line that carries it, with the prefix and without a line end. */
        String line();

        /**
         * The message of a line: empty when the line is not one ({@link #PREFIX} missing: libFuzzer's
         * and Jazzer's lines), a {@link MalformedException} when it starts like one but does not parse.
         */
        static Optional<Message> parse(String line) {
            if (!line.startsWith(PREFIX)) return Optional.empty();
            String body = line.substring(PREFIX.length());
            int sp = body.indexOf(' ');
            String kind = sp < 0 ? body : body.substring(0, sp);
            String rest = sp < 0 ? "" : body.substring(sp + 1);
            try {
                return Optional.of(switch (kind) {
                    case "stats" -> {
                        String[] n = fields(rest, " ", 3, line);
                        yield new Stats(Long.parseLong(n[0]), Long.parseLong(n[1]), Long.parseLong(n[2]));
                    }
                    case "finding" -> {
                        String[] f = fields(rest, "\t", 2, line);
                        yield new Finding(f[0], Path.of(f[1]));
                    }
                    case "minimized" -> {
                        String[] f = fields(rest, "\t", 3, line);
                        yield new Minimized(Path.of(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]));
                    }
                    case "unwritten" -> {
                        String[] f = fields(rest, "\t", 4, line);
                        yield new Unwritten(f[0], Path.of(f[1]), f[2], f[3]);
                    }
                    case "error" -> new ErrorMessage(rest);
                    default -> throw new MalformedException("message (unknown kind '" + kind + "')", line);
                });
            } catch (NumberFormatException | java.nio.file.InvalidPathException e) {
                throw new MalformedException("message", line);
            }
        }

        private static String[] fields(String rest, String sep, int n, String line) {
            String[] f = rest.split(sep, -1);
            if (f.length != n || java.util.Arrays.stream(f).anyMatch(String::isEmpty)) {
                throw new MalformedException("message (" + n + " fields expected)", line);
            }
            return f;
        }
    }

    /**
     * Every second, at each finding and at the end: the totals of this worker.
     *
     * @param executions inputs run
     * @param features   distinct interleaving features seen
     * @param findings   new signatures found
     */
    public record Stats(long executions, long features, long findings) implements Message {
        @Override
        public String line() { return PREFIX + "stats " + executions + " " + features + " " + findings; }
    }

    /** A new signature, once its reproducer (and input) are written. */
    public record Finding(String signature, Path reproducer) implements Message {
        public Finding {
            plain("signature", signature);
            plain("reproducer", reproducer.toString());
        }

        @Override
        public String line() { return PREFIX + "finding " + signature + "\t" + reproducer; }
    }

    /**
     * A new signature whose reproducer could not be written (the disk full, the folder gone): the
     * reproducer itself, as JSON on one line, so that the finding is not lost.
     */
    public record Unwritten(String signature, Path reproducer, String reason, String json) implements Message {
        public Unwritten {
            reason = reason.replaceAll("[\\t\\r\\n]+", " ");
            json = json.replaceAll("[\\r\\n]+", "");  // JSON escapes these in its strings: only layout goes
            plain("signature", signature);
            plain("reproducer", reproducer.toString());
            plain("reason", reason);
            plain("json", json);
        }

        @Override
        public String line() { return PREFIX + "unwritten " + signature + "\t" + reproducer + "\t" + reason + "\t" + json; }
    }

    /** A finding's input, minimized (and its files rewritten): its length before and after. */
    public record Minimized(Path reproducer, int fromBytes, int toBytes) implements Message {
        public Minimized {
            plain("reproducer", reproducer.toString());
        }

        @Override
        public String line() { return PREFIX + "minimized " + reproducer + "\t" + fromBytes + "\t" + toBytes; }
    }

    /** The worker cannot go on; the text says why (line breaks become spaces). */
    public record ErrorMessage(String text) implements Message {
        public ErrorMessage {
            text = text.replaceAll("[\\r\\n]+", " ");
        }

        @Override
        public String line() { return PREFIX + "error " + text; }
    }

    private static void plain(String what, String s) {
        if (s.isEmpty() || s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a fuzz worker message's " + what + " must be one line without tabs, got '" + s + "'");
        }
    }
}
