package lazymm.engine;

import java.util.function.Consumer;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;

/**
 * Runs executions one after another under one strategy until a violation, the execution count,
 * the time limit, or (exhaustive search) the end of the search space.
 */
public final class Explorer {

    /** Where each execution's program comes from. */
    public enum Programs {
        /** The target's default program, every time (exhaustive search needs a fixed one). */
        DEFAULT,
        /** A fresh random program for each execution, drawn from the seed. */
        RANDOM
    }

    /**
     * What one search runs: build it with {@link #of} and the withers, which name each field
     * ({@code Settings.of(target, cfg).strategy("pct").seed(7).maxExecutions(20_000)}).
     *
     * @param target        the model
     * @param config        its configuration
     * @param strategy      random, pct, exhaustive or swarm (default random)
     * @param seed          the seed of every random choice, programs and schedules (default 1)
     * @param pctDepth      PCT's depth (default 3)
     * @param preemptions   exhaustive search's preemption bound (default 2)
     * @param programs      where programs come from (default {@link Programs#RANDOM})
     * @param maxExecutions stop after this many executions (default 0: no limit)
     * @param seconds       stop after this much time (default 0: no limit)
     * @param maxSteps      the step bound of one execution, Livelock beyond (default
     *                      {@link Execution#DEFAULT_STEP_BOUND})
     * @param checkSteps    check the instance's invariants after every step (default true)
     * @param program       a program to run every time (overrides {@code programs}), or null (the default)
     * @param stopOnWarn    end an execution at its first WARN (default false: report it and go on)
     */
    public record Settings(Target target, Config config, String strategy, long seed, int pctDepth,
                           int preemptions, Programs programs, long maxExecutions, double seconds,
                           long maxSteps, boolean checkSteps, Program program, boolean stopOnWarn) {

        public static final String DEFAULT_STRATEGY = "random";
        public static final long DEFAULT_SEED = 1;
        public static final int DEFAULT_PCT_DEPTH = 3;
        public static final int DEFAULT_PREEMPTIONS = 2;

        /** A search of {@code config} with every other field at its default (see above). */
        public static Settings of(Target target, Config config) {
            return new Settings(target, config, DEFAULT_STRATEGY, DEFAULT_SEED, DEFAULT_PCT_DEPTH,
                    DEFAULT_PREEMPTIONS, Programs.RANDOM, 0, 0, Execution.DEFAULT_STEP_BOUND, true, null, false);
        }

        public Settings strategy(String strategy) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings seed(long seed) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings pctDepth(int pctDepth) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings preemptions(int preemptions) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings programs(Programs programs) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings maxExecutions(long maxExecutions) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings seconds(double seconds) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings maxSteps(long maxSteps) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        public Settings checkSteps(boolean checkSteps) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        /** End each execution at its first WARN instead of going on to show what follows. */
        public Settings stopOnWarn(boolean stopOnWarn) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }

        /** Runs {@code program} every time (null: programs come from {@link #programs}). */
        public Settings program(Program program) {
            return new Settings(target, config, strategy, seed, pctDepth, preemptions, programs, maxExecutions,
                    seconds, maxSteps, checkSteps, program, stopOnWarn);
        }
    }

    /**
     * @param failing    the failing execution, or null
     * @param program    its program (null if none failed)
     * @param executions how many executions ran
     * @param seconds    how long it took
     * @param exhausted  true when an exhaustive search covered its whole space
     * @param strategy   the strategy's name
     * @param firstExecutionNanos {@link System#nanoTime()} when the first execution ended (0: none ran)
     */
    public record Outcome(Result failing, Program program, long executions, double seconds,
                          boolean exhausted, String strategy, long firstExecutionNanos) {}

    private Explorer() {}

    /**
     * @param progress called about every {@code progressEverySeconds} with a one-line status
     */
    public static Outcome explore(Settings s, double progressEverySeconds, Consumer<String> progress) {
        Strategy strategy = Strategies.create(s.strategy(), s.seed(), s.pctDepth(), s.preemptions());
        SplitMix64 programRnd = new SplitMix64(s.seed() * 0x9E3779B97F4A7C15L + 1);
        Program fixed = s.program() != null ? s.program()
                : s.programs() == Programs.DEFAULT ? s.target().defaultProgram(s.config()) : null;
        String bad = fixed == null ? null : s.target().validate(s.config(), fixed);
        if (bad != null) throw new BadInput("the program is invalid: " + bad);
        long start = System.nanoTime();
        long lastProgress = start;
        long deadline = deadline(start, s.seconds());
        long n = 0;
        long first = 0;
        while (s.maxExecutions() == 0 || n < s.maxExecutions()) {
            if (!strategy.startExecution()) {
                return new Outcome(null, null, n, secondsSince(start), true, strategy.name(), first);
            }
            Program program = fixed != null ? fixed : s.target().randomProgram(s.config(), programRnd);
            Execution e = new Execution(s.target(), s.config(), program, strategy, s.maxSteps(),
                    s.checkSteps(), false);
            if (s.stopOnWarn()) e.stopOn(java.util.Set.of("Warn"));
            Result r = e.run();
            n++;
            if (first == 0) first = System.nanoTime();
            if (r.failed()) {
                return new Outcome(r, program, n, secondsSince(start), false, strategy.name(), first);
            }
            long now = System.nanoTime();
            if (now >= deadline) break;
            if (progress != null && (now - lastProgress) >= progressEverySeconds * 1e9) {
                lastProgress = now;
                double secs = (now - start) / 1e9;
                progress.accept(String.format(java.util.Locale.ROOT,
                        "[%6.1fs] %,d executions, %,.0f exec/s, no violation yet", secs, n, n / secs));
            }
        }
        return new Outcome(null, null, n, secondsSince(start), false, strategy.name(), first);
    }

    /**
     * {@code start} plus {@code seconds} in System.nanoTime()'s terms, saturated: 0, a NaN or a
     * limit past the long's range is no limit (never a deadline in the past).
     */
    public static long deadline(long start, double seconds) {
        if (!(seconds > 0)) return Long.MAX_VALUE;
        double ns = seconds * 1e9;
        return ns >= Long.MAX_VALUE - (double) start ? Long.MAX_VALUE : start + (long) ns;
    }

    private static double secondsSince(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
