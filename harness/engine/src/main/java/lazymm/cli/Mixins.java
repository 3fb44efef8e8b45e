package lazymm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import lazymm.engine.BadInput;
import lazymm.engine.Execution;
import lazymm.engine.fuzz.WorkerProtocol;
import lazymm.model.Catalog;
import lazymm.model.sim.Config;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that two or more commands share, each declared once (name, label, description,
 * default, check) as a picocli {@code @Mixin}, so that two commands cannot describe one option
 * differently. A command that needs another default for one (--time) initializes its mixin field
 * with it; picocli keeps that instance. Options with a fixed set of values are enums
 * ({@link MemoryMode}, {@link StrategyName}, {@link WorkerProtocol.Feedback}), read by a
 * {@link Choice} converter: a bad value is one line that lists the allowed ones, exit code 2.
 */
final class Mixins {

    private Mixins() {}

    /** A bad option value, found while parsing: {@link Main} prints its message as it is. */
    static final class BadValue extends CommandLine.TypeConversionException {
        BadValue(String message) { super(message); }
    }

    /**
     * Reads an enum option by its {@code toString()} (lowercase on the command line); anything
     * else is a {@link BadValue} with the message {@code bad} makes of it.
     */
    abstract static class Choice<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
        private final Class<E> type;
        private final Function<String, String> bad;

        Choice(Class<E> type, Function<String, String> bad) {
            this.type = type;
            this.bad = bad;
        }

        @Override
        public E convert(String value) {
            for (E e : type.getEnumConstants()) {
                if (e.toString().equals(value)) return e;
            }
            throw new BadValue(bad.apply(value));
        }

        /** The values, as the command line writes them: "a, b, c". */
        static String values(Class<? extends Enum<?>> type) {
            return Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        }
    }

    /** The simulated memory's modes ({@code lazymm.model.mem.Memory.MODES}, which a test keeps equal). */
    enum MemoryMode {
        SC, TSO, WEAK;

        @Override
        public String toString() { return name().toLowerCase(Locale.ROOT); }

        static final class Converter extends Choice<MemoryMode> {
            Converter() {
                super(MemoryMode.class, v -> "unknown memory mode '" + v + "' (expected one of [" + values(MemoryMode.class) + "])");
            }
        }
    }

    /** Explore's strategies ({@code lazymm.engine.Strategies.NAMES}, which a test keeps equal). */
    enum StrategyName {
        RANDOM, PCT, EXHAUSTIVE, SWARM;

        @Override
        public String toString() { return name().toLowerCase(Locale.ROOT); }

        static final class Converter extends Choice<StrategyName> {
            Converter() {
                super(StrategyName.class, v -> "unknown strategy '" + v + "' (expected one of " + values(StrategyName.class) + ")");
            }
        }
    }

    /** {@code --feedback}: the enum is the worker protocol's, which carries it to the workers. */
    static final class FeedbackConverter extends Choice<WorkerProtocol.Feedback> {
        FeedbackConverter() {
            super(WorkerProtocol.Feedback.class,
                    v -> "--feedback must be one of " + values(WorkerProtocol.Feedback.class) + ", got '" + v + "'");
        }
    }

    /**
     * The longest time limit taken: 30 days. A longer one is a typo (1e10 seconds overflowed the
     * deadline and stopped after one execution); 0 is the way to run without a limit.
     */
    static final double MAX_SECONDS = 30 * 24 * 3600;

    /**
     * A time option's value in seconds, checked: finite, 0 (no limit, when {@code zeroIsNone})
     * or more, at most {@link #MAX_SECONDS}; otherwise a {@link BadInput} that says what it takes.
     */
    static double seconds(String option, double value, boolean zeroIsNone) {
        if (!(value >= (zeroIsNone ? 0 : Double.MIN_VALUE)) || value > MAX_SECONDS) {  // NaN fails the first test
            throw new BadInput(option + " must be " + (zeroIsNone ? "0 (no limit) or more" : "more than 0")
                    + " seconds, at most " + number(MAX_SECONDS) + " (30 days), got " + number(value));
        }
        return value;
    }

    /** A number as the user wrote it: 30 rather than 30.0. */
    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e18 ? Long.toString((long) d) : Double.toString(d);
    }

    /** --variant, --arch, --cpus, --memory: which model, on what configuration (explore, fuzz). */
    static final class Configuration {

        /** The variant run when none is given. */
        static final String DEFAULT_VARIANT = "upstream";

        @Option(names = "--variant", paramLabel = "ID",
                description = "the variant (see ./lazymm list); default: ${DEFAULT-VALUE}")
        String variant = DEFAULT_VARIANT;

        @Option(names = "--arch", paramLabel = "A",
                description = "run the variant on another architecture: x86, arm64, powerpc, s390 (the memory model follows "
                        + "it: x86 and s390 tso, arm64 and powerpc weak; upstream also takes the arch's lazy-TLB scheme, "
                        + "powerpc's shootdown; --memory overrides)")
        String arch;

        @Option(names = "--cpus", paramLabel = "N",
                description = "override the variant's number of CPUs, 1.." + Config.MAX_CPUS + "; fuzz also takes a range MIN-MAX, "
                        + "which its inputs choose from (default: the variant's)")
        String cpus;

        @Option(names = "--memory", paramLabel = "MODE", converter = MemoryMode.Converter.class,
                description = "override the memory mode: ${COMPLETION-CANDIDATES} (default: the variant's, or its arch's)")
        MemoryMode memory;

        /** The variant, or a BadInput that says to look at the list. */
        Variant variant() {
            Variant v = Catalog.variant(variant);
            if (v == null) throw new BadInput("unknown variant '" + variant + "' (see ./lazymm list)");
            return v;
        }

        Target target() {
            variant();
            return Catalog.targetOf(variant);
        }

        /** The configuration with every override, for one CPU count (explore). */
        Config config() {
            Config cfg = withoutCpus();
            if (cpus == null) return cfg;
            int n;
            try {
                n = Integer.parseInt(cpus.trim());
            } catch (NumberFormatException e) {
                throw new BadInput("--cpus must be " + Config.CPUS_BOUND + ", got '" + cpus + "'"
                        + (cpus.contains("-") ? " (a range MIN-MAX is for fuzz)" : ""));
            }
            if (n < 1 || n > Config.MAX_CPUS) throw new BadInput("--cpus must be " + Config.CPUS_BOUND + ", got " + n);
            return cfg.withCpus(n);
        }

        /**
         * The configuration with --arch first (which brings that architecture's memory model and
         * Kconfig choices, {@link Target#onArch}), then --memory; its CPU count the variant's.
         */
        Config withoutCpus() {
            Target target = target();
            Config cfg = variant().defaults();
            if (arch != null) cfg = Options.onArch(target, cfg, arch);
            if (memory != null) {
                cfg = cfg.withMemory(memory.toString());
                String wrong = target.validate(cfg);
                if (wrong != null) throw new BadInput("--memory " + memory + ": " + wrong);
            }
            return cfg;
        }

        /** --cpus as N or MIN-MAX (fuzz): {min, max}, both {@code dflt} when it is not given. */
        int[] cpuRange(int dflt) {
            if (cpus == null) return new int[] {dflt, dflt};
            Matcher m = Pattern.compile("(\\d{1,2})(?:-(\\d{1,2}))?").matcher(cpus.trim());
            if (!m.matches()) throw new BadInput("--cpus must be N or MIN-MAX, got '" + cpus + "'");
            int lo = Integer.parseInt(m.group(1));
            int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
            if (lo < 1 || hi > Config.MAX_CPUS || lo > hi) {
                throw new BadInput("--cpus must be within " + Config.CPUS_BOUND + " with MIN <= MAX, got '" + cpus + "'");
            }
            return new int[] {lo, hi};
        }
    }

    /** --seed and --max-steps: what makes a search repeatable and bounds one execution (explore, fuzz). */
    static final class Search {

        @Option(names = "--seed", paramLabel = "N",
                description = "the seed of every random choice: same seed, same run; fuzz's worker 0 uses it, "
                        + "the others seeds derived from it (default: ${DEFAULT-VALUE})")
        long seed = 1;

        @Option(names = "--max-steps", paramLabel = "N",
                description = "steps per execution before it is a Livelock (default: ${DEFAULT-VALUE})")
        long maxSteps = Execution.DEFAULT_STEP_BOUND;

        long maxSteps() {
            if (maxSteps < 1) throw new BadInput("--max-steps must be at least 1, got " + maxSteps);
            return maxSteps;
        }
    }

    /**
     * --time (explore, fuzz, minimize, bench): each command gives its default by constructing it,
     * {@code @Mixin TimeLimit time = new TimeLimit(30)}.
     */
    static final class TimeLimit {

        @Option(names = "--time", paramLabel = "SECONDS",
                description = "stop after this long, 0 for no limit, at most 2592000 (30 days) (default: ${DEFAULT-VALUE})")
        double time;

        TimeLimit() { this(0); }

        TimeLimit(double dflt) { this.time = dflt; }

        /** The limit in seconds, 0 for none. */
        double seconds() {
            return Mixins.seconds("--time", time, true);
        }

        /** The limit in whole seconds (what libFuzzer's -max_total_time takes). */
        long wholeSeconds() {
            double s = seconds();
            if (s != Math.rint(s) || Double.isInfinite(s)) throw new BadInput("--time must be whole seconds, got " + number(s));
            return (long) s;
        }
    }

    /** --no-minimize, --minimize-time: what becomes of a reproducer that a search found (explore, fuzz). */
    static final class Minimize {

        @Option(names = "--no-minimize",
                description = "write each reproducer as found (fuzz: its input bytes are still minimized); by default its "
                        + "schedule and program are minimized (see ./lazymm minimize --help) and the one as found is kept "
                        + "beside it as VARIANT.KIND[.HASH].orig.json")
        boolean noMinimize;

        @Option(names = "--minimize-time", paramLabel = "SECONDS",
                description = "minimize each reproducer for at most this long, then keep the smallest found so far; "
                        + "0 for no limit (default: ${DEFAULT-VALUE})")
        double minimizeTime = 60;

        double minimizeTime() {
            return Mixins.seconds("--minimize-time", minimizeTime, true);
        }
    }

    /** --out DIR: where a search's reproducers go (explore, fuzz). */
    static final class OutDir {

        @Option(names = "--out", paramLabel = "DIR",
                description = "where reproducers go (fuzz also keeps its inputs, corpus and workers' logs there); "
                        + "default: ${DEFAULT-VALUE}")
        Path dir = Path.of("lazymm-out");

        /** Before the search: the folder can be created or written, or a BadInput says so. */
        void check() { Options.checkWritable("--out", dir, true); }
    }

    /** --report FILE.json: a machine-readable summary (every command that has a verdict or figures). */
    static final class Report {

        @Option(names = "--report", paramLabel = "FILE.json",
                description = "also write a machine-readable summary as JSON")
        Path file;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        private volatile boolean failed;

        /** Before the work: the file can be written, or a BadInput says so. */
        void check() {
            if (file != null) Options.checkWritable("--report", file, false);
        }

        /**
         * Writes (or rewrites) the summary, if one was asked for. A failure (the disk full, the
         * folder gone since {@link #check}) is one error line, once, and never loses what the
         * command found: it goes on, and {@link #exitCode} says so in the end.
         */
        synchronized void write(Map<String, Object> rep) {
            try {
                Options.writeReport(file, rep);
            } catch (IOException | RuntimeException e) {
                if (!failed) {
                    command.commandLine().getErr().println("lazymm: error: cannot write the report " + file + ": " + e
                            + " (the verdict is on the output above)");
                    command.commandLine().getErr().flush();
                }
                failed = true;
            }
        }

        /** {@code code}, or 2 when it is 0 and the report could not be written (1, a finding, stays). */
        int exitCode(int code) { return failed && code == Main.OK ? Main.USAGE : code; }
    }
}
