package lazymm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import lazymm.engine.Execution;
import lazymm.engine.Explorer;
import lazymm.engine.Result;
import lazymm.engine.SplitMix64;
import lazymm.engine.Strategy;
import lazymm.engine.strategy.RandomWalk;
import lazymm.engine.strategy.RoundRobin;
import lazymm.example.YieldBench;
import lazymm.model.Catalog;
import lazymm.model.sim.Config;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Measures the engine in one run, so that the figures compare as ratios on a noisy machine:",
                "  yields_per_second           yield points per second, 2 CPUs, random walk (about half switch CPU)",
                "  switches_per_second         yield points per second when every one switches CPU (round robin)",
                "  baseline_handoff_per_second two platform threads handing off with park/unpark",
                "  executions_per_second       whole executions of example-lost-update-fixed, random walk",
                "  kernel_executions_per_second whole executions of upstream (3 CPUs, random programs), random walk",
                "  kernel_by_cpus              upstream at 2, 3, 4, 6 and 8 CPUs: executions per second, steps per execution,",
                "                              nanoseconds per step (and its ratio to 2 CPUs': what a CPU more costs each step)",
                "  *_first_execution_seconds   fresh explore and fuzz commands (and a fuzz worker alone, --no-warm-start):",
                "                              seconds from the JVM's start to the end of the first execution, medians of 3",
                "Needs the agent (./lazymm sets it up): without it the bench model has no yield points.",
                "",
                "With --time-to-bug: the time to find each positive control from scratch instead (--time: the limit of each search), per seed, side by side:",
                "explore's random walk and PCT (in this JVM), and ./lazymm fuzz with and without the interleaving",
                "feedback (worker JVMs, an empty corpus, no seeds); the medians, and executions per second.",
                "",
                "Examples:",
                "  ./lazymm bench --report bench.json",
                "  ./lazymm bench --figures docs/FIGURES.md     (rewrites its section <!-- bench:begin --> ... <!-- bench:end -->)",
                "  ./lazymm bench --time-to-bug --seeds 5 --time 60 --report ttb.json",
                "  ./lazymm bench --time-to-bug --variants X86-SWITCH-ORDER,HP-NO-MB --modes fuzz,pct --seeds 3",
                "",
                "With --mutants: the mutation benchmark, today's kernel with one real historical fix reverted per variant",
                "(the MUT-* variants: ./lazymm list --mutants); fuzz on each for --time (default 60 s) with --seeds (5);",
                "a mutant is caught when the median of its seeds finds it within the time. It measures the search.",
                "  ./lazymm bench --mutants --figures docs/FIGURES.md",
                ""},
        footer = {"", "Exit codes: 0 measured, 2 bad usage or input, " + Main.EXIT_INTERNAL})
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", description = "time per measurement (default: ${DEFAULT-VALUE})")
    double seconds = 3;

    @CommandLine.Mixin
    Mixins.Report report;

    @Option(names = "--time-to-bug", description = "measure the time to find each positive control (see above)")
    boolean timeToBug;

    @Option(names = "--mutants", description = "the mutation benchmark: --time-to-bug on the MUT-* variants (see above); "
            + "the default mode is fuzz alone, and the default time 60 s")
    boolean mutants;

    @Option(names = "--early-stop", negatable = true, description = "with --time-to-bug: skip the seeds that cannot change a "
            + "median (once more than half the seeds missed, the rest are not run; once half found it, the rest run only "
            + "as long as the median so far). The medians and the caught verdicts are exact; the found counts are then "
            + "lower bounds. Default: on with --mutants, off otherwise")
    Boolean earlyStop;

    @Option(names = "--no-startup", description = "skip the start-up figures (fresh explore and fuzz commands, about 40 s)")
    boolean noStartup;

    @Option(names = "--figures", paramLabel = "FILE.md", description = "also write the figures as a markdown table into FILE.md, "
            + "between its markers <!-- bench:begin --> and <!-- bench:end --> (with --time-to-bug: <!-- time-to-bug:begin --> "
            + "and <!-- time-to-bug:end -->); checked before the measurement starts")
    Path figures;

    /** The kernel model's positive controls, in the catalog's order (HP-WARN is a never-fires check: clean). */
    static final List<String> CONTROLS = Catalog.targetOf("upstream").variants().stream()
            .filter(lazymm.model.sim.Variant::isBroken).map(lazymm.model.sim.Variant::id).toList();
    static final List<String> MODES = List.of("fuzz", "fuzz-no-feedback", "random", "pct");
    /** Modes that --modes also takes, outside the default set: the other kinds of feedback. */
    static final List<String> MORE_MODES = List.of("fuzz-switches", "fuzz-all", "fuzz-rotate", "fuzz-no-generate", "fuzz-one-job", "swarm");

    @Option(names = "--variants", split = ",", paramLabel = "ID,...", description = "with --time-to-bug: the variants (default: the kernel model's positive controls, see ./lazymm list)")
    List<String> variants = CONTROLS;

    @Option(names = "--modes", split = ",", paramLabel = "M,...", description = "with --time-to-bug: of fuzz, fuzz-no-feedback, random, pct (default: these four), fuzz-switches, fuzz-all (fuzz with the other kinds of --feedback), fuzz-rotate (fuzz with the choice form's old fallback, the rotation), fuzz-no-generate (Jazzer's inputs alone, fuzz --no-generate), fuzz-one-job (fuzz --jobs 1; fuzz has one worker per processor), swarm")
    List<String> modes = MODES;

    @Option(names = "--seeds", paramLabel = "N", description = "with --time-to-bug: seeds 1..N of each (default: ${DEFAULT-VALUE})")
    int seeds = 5;

    /** With --time-to-bug: the limit of one search. */
    @CommandLine.Mixin
    Mixins.TimeLimit timeLimit = new Mixins.TimeLimit(60);

    /** --time in whole seconds, once checked. */
    private long time;

    @Override
    public Integer call() throws Exception {
        var o = spec.commandLine().getOut();
        if (mutants) {
            timeToBug = true;
            if (spec.commandLine().getParseResult().matchedOption("--variants") == null) {
                variants = lazymm.model.kernel.Variants.mutants().stream().map(lazymm.model.kernel.KernelVariant::id).toList();
            }
            if (spec.commandLine().getParseResult().matchedOption("--modes") == null) modes = List.of("fuzz");
            if (variants.isEmpty()) throw new lazymm.engine.BadInput("--mutants: no MUT-* variant is declared (Variants.MUTANTS)");
        }
        FiguresFile out = figures == null ? null
                : FiguresFile.check(figures, mutants ? "mutants" : timeToBug ? "time-to-bug" : "bench");
        report.check();
        if (timeToBug) return timeToBug(o, out);
        Mixins.seconds("--seconds", seconds, false);
        YieldBench model = new YieldBench(100_000);
        Config cfg = new Config("bench", "none", "none", "sc", 2);
        if (run(model, cfg, new RoundRobin()).steps() < model.yieldsPerCpu()) {
            throw new lazymm.engine.BadInput("the bench model has no yield points: run lazymm with its "
                    + "agent (through ./lazymm, which adds -javaagent)");
        }
        double yields = rate(() -> run(model, cfg, new RandomWalk(new SplitMix64(1))).steps());
        double switches = rate(() -> run(model, cfg, new RoundRobin()).steps());
        double handoff = rate(BenchCommand::handoffs);
        var target = Catalog.targetOf("example-lost-update-fixed");
        var small = Catalog.variant("example-lost-update-fixed").defaults();
        double execs = rate(() -> Explorer.explore(Explorer.Settings.of(target, small)
                .strategy("random").seed(1).programs(Explorer.Programs.DEFAULT).maxExecutions(20_000), 1e9, null)
                .executions());
        var kernel = Catalog.targetOf("upstream");
        var upstream = Catalog.variant("upstream").defaults();
        double kernelExecs = rate(() -> Explorer.explore(Explorer.Settings.of(kernel, upstream)
                .strategy("random").seed(1).maxExecutions(2_000), 1e9, null).executions());
        // the kernel at 2..8 CPUs: executions per second, steps per execution, nanoseconds per step
        int[] cpuCounts = {2, 3, 4, 6, 8};
        double[][] perCpus = new double[cpuCounts.length][];
        for (int i = 0; i < cpuCounts.length; i++) perCpus[i] = kernelAt(kernel, upstream.withCpus(cpuCounts[i]));
        // the first execution of a fresh command, from its JVM's start (medians of 3, alternating)
        double[] startup = noStartup ? null : startup();
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "bench");
        rep.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        rep.put("cores", (long) Runtime.getRuntime().availableProcessors());
        rep.put("yields_per_second", Math.round(yields));
        rep.put("switches_per_second", Math.round(switches));
        rep.put("baseline_handoff_per_second", Math.round(handoff));
        rep.put("executions_per_second", Math.round(execs));
        rep.put("kernel_executions_per_second", Math.round(kernelExecs));
        List<Map<String, Object>> byCpus = new java.util.ArrayList<>();
        for (int i = 0; i < cpuCounts.length; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cpus", (long) cpuCounts[i]);
            m.put("executions_per_second", Math.round(perCpus[i][0]));
            m.put("steps_per_execution", Math.round(perCpus[i][1]));
            m.put("ns_per_step", Math.round(perCpus[i][2]));
            byCpus.add(m);
        }
        rep.put("kernel_by_cpus", byCpus);
        if (startup != null) {
            rep.put("explore_first_execution_seconds", round2(startup[0]));
            rep.put("fuzz_first_execution_seconds", round2(startup[1]));
            rep.put("fuzz_worker_first_execution_seconds", round2(startup[2]));
        }
        rep.put("yields_vs_handoff", round2(yields / handoff));
        rep.put("switches_vs_handoff", round2(switches / handoff));
        o.printf("yields_per_second           %,14.0f%n", yields);
        o.printf("switches_per_second         %,14.0f%n", switches);
        o.printf("baseline_handoff_per_second %,14.0f%n", handoff);
        o.printf("executions_per_second       %,14.0f   (example-lost-update-fixed, 2 CPUs)%n", execs);
        o.printf("kernel_executions_per_second%,14.0f   (upstream, 3 CPUs, random programs, every oracle on)%n", kernelExecs);
        for (int i = 0; i < cpuCounts.length; i++) {
            o.printf("kernel at %d CPUs            %,14.0f exec/s, %,6.0f steps each, %,5.0f ns per step (%.2fx the cost at 2)%n",
                    cpuCounts[i], perCpus[i][0], perCpus[i][1], perCpus[i][2], perCpus[i][2] / perCpus[0][2]);
        }
        if (startup != null) {
            o.printf("first execution, explore    %14.2f s after its JVM started (upstream)%n", startup[0]);
            o.printf("first execution, fuzz       %14.2f s (upstream, --jobs 1: the command's warm start)%n", startup[1]);
            o.printf("first execution, fuzz worker%14.2f s (fuzz --no-warm-start: a Jazzer worker's own)%n", startup[2]);
        }
        o.printf("yields / handoff            %14.2fx%n", yields / handoff);
        o.printf("switches / handoff          %14.2fx%n", switches / handoff);
        report.write(rep);
        if (out != null) {
            out.write(String.format(java.util.Locale.ROOT, """
                    Written by `./lazymm bench --figures docs/FIGURES.md` on %s: %s, %d cores, load average %.1f at the end.

                    | figure | value |
                    |---|---|
                    | yields per second (2 CPUs, random walk) | %,.0f |
                    | switches per second (every yield point switches CPU) | %,.0f |
                    | baseline: platform-thread handoffs per second | %,.0f |
                    | yields / handoff | %.0fx |
                    | executions per second (example-lost-update-fixed, 2 CPUs) | %,.0f |
                    | kernel executions per second (upstream, 3 CPUs, random programs, every oracle on) | %,.0f |
                    %s%s
                    """, java.time.LocalDate.now(java.time.ZoneOffset.UTC), rep.get("java"), rep.get("cores"),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    yields, switches, handoff, yields / handoff, execs, kernelExecs, byCpusRows(cpuCounts, perCpus),
                    startup == null ? "" : String.format(java.util.Locale.ROOT,
                            "| first execution, explore (s from its JVM's start) | %.2f |%n"
                            + "| first execution, fuzz (the command's warm start) | %.2f |%n"
                            + "| first execution, a fuzz worker (--no-warm-start) | %.2f |", startup[0], startup[1], startup[2])));
            o.println("figures written to " + figures);
        }
        return report.exitCode(Main.OK);
    }

    /** Table rows: the kernel at each CPU count. */
    private static String byCpusRows(int[] cpus, double[][] r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus.length; i++) {
            b.append(String.format(java.util.Locale.ROOT,
                    "| kernel at %d CPUs: executions per second, steps per execution, ns per step (x the cost at 2) | %,.0f, %,.0f, %,.0f (%.2fx) |%n",
                    cpus[i], r[i][0], r[i][1], r[i][2], r[i][2] / r[0][2]));
        }
        return b.toString();
    }

    /**
     * upstream at one CPU count for --seconds: random programs under the random walk (seeds fixed),
     * every oracle on; {executions per second, steps per execution, nanoseconds per step}.
     */
    private double[] kernelAt(lazymm.model.sim.Target kernel, Config cfg) {
        Strategy st = lazymm.engine.Strategies.create("random", 1, Explorer.Settings.DEFAULT_PCT_DEPTH,
                Explorer.Settings.DEFAULT_PREEMPTIONS);
        SplitMix64 programs = new SplitMix64(1);
        long execs = 0;
        long steps = 0;
        long warm = System.nanoTime() + 500_000_000L;  // half a second to compile, not counted
        long t0 = 0;
        long end = Long.MAX_VALUE;
        while (true) {
            long now = System.nanoTime();
            if (t0 == 0 && now >= warm) {
                t0 = now;
                end = now + (long) (seconds * 1e9);
                execs = 0;
                steps = 0;
            }
            if (now >= end) break;
            st.startExecution();
            var e = new Execution(kernel, cfg, kernel.randomProgram(cfg, programs), st,
                    Execution.DEFAULT_STEP_BOUND, true, false);
            steps += e.run().steps();
            execs++;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new double[] {execs / secs, steps / (double) Math.max(1, execs), secs * 1e9 / Math.max(1, steps)};
    }

    /**
     * The first execution of fresh commands, in seconds from each one's JVM start (its report's
     * first_execution_seconds): explore, fuzz (its warm start), and fuzz with --no-warm-start (a
     * Jazzer worker's first execution); each 3 times, alternating; the medians. The commands run
     * with this JVM's options (through ./lazymm: the agent, the class-data archive).
     */
    private double[] startup() throws Exception {
        double[][] t = new double[3][3];
        Path dir = Files.createTempDirectory("lazymm-bench-startup");
        try {
            for (int round = 0; round < 3; round++) {
                t[0][round] = firstExecution(dir, "explore", "--variant", "upstream", "--time", "1");
                t[1][round] = firstExecution(dir, "fuzz", "--variant", "upstream", "--time", "5", "--jobs", "1", "--no-seeds");
                t[2][round] = firstExecution(dir, "fuzz", "--variant", "upstream", "--time", "5", "--jobs", "1", "--no-seeds",
                        "--no-warm-start");
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        double[] med = new double[3];
        for (int i = 0; i < 3; i++) {
            java.util.Arrays.sort(t[i]);
            med[i] = t[i][1];
        }
        return med;
    }

    private static double firstExecution(Path dir, String... args) throws Exception {
        Path rep = dir.resolve("report.json");
        Path out = dir.resolve("out");
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--report", rep.toString(), "--no-minimize"));
        if (args[0].equals("fuzz")) cmd.addAll(List.of("--out", out.resolve(String.valueOf(System.nanoTime())).toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("bench: " + String.join(" ", args) + " did not end in 120 s");
        }
        Object first = ((Map<?, ?>) lazymm.engine.io.Json.parse(Files.readString(rep))).get("first_execution_seconds");
        if (!(first instanceof Number n)) throw new IOException("bench: " + String.join(" ", args) + " reported no first execution (a machine too loaded for a worker to start within the time?)");
        return n.doubleValue();
    }

    /** One search: seconds to the first violation (or -1), executions to it (or in all), seconds to it (or in all). */
    record Search(double toBug, long executions, double seconds, long cut) {
        /** A seed that could not change the median, not run. */
        static final Search NOT_RUN = new Search(-1, 0, 0, 0);

        Search(double toBug, long executions, double seconds) { this(toBug, executions, seconds, -1); }

        double rate() { return executions / Math.max(seconds, 1e-9); }

        /** How a per-seed column shows it: seconds to the bug, "-" (missed), "(>N)" (cut at N s), "n/r" (not run). */
        String shown() {
            if (toBug >= 0) return String.format(java.util.Locale.ROOT, "%.1f", toBug);
            return cut == 0 ? "n/r" : cut > 0 ? "(>" + cut + ")" : "-";
        }
    }

    /**
     * With --early-stop: the time limit of the next seed of one mode given the seeds run so far, 0
     * when it cannot change the median. The median of n seeds is the k-th smallest time, k =
     * (n + 1) / 2 (misses count as infinite): once n - k + 1 seeds missed it is infinite whatever
     * the rest do; once k seeds found it, a further seed lowers it only by finding the bug sooner
     * than the k-th smallest time so far, so it runs that long (rounded up, plus a second).
     */
    static long limitOf(List<Search> done, int n, long time) {
        int k = (n + 1) / 2;
        long missed = done.stream().filter(r -> r.toBug() < 0).count();
        if (missed >= n - k + 1) return 0;
        double[] found = done.stream().filter(r -> r.toBug() >= 0).mapToDouble(Search::toBug).sorted().toArray();
        if (found.length < k) return time;
        return Math.min(time, (long) Math.ceil(found[k - 1]) + 1);
    }

    private int timeToBug(java.io.PrintWriter o, FiguresFile out) throws Exception {
        if (seeds < 1 || seeds > 100) throw new lazymm.engine.BadInput("--seeds must be 1..100, got " + seeds);
        time = timeLimit.wholeSeconds();
        if (time < 1) throw new lazymm.engine.BadInput("--time must be at least 1, got " + time);
        for (String m : modes) {
            if (!MODES.contains(m) && !MORE_MODES.contains(m)) {
                throw new lazymm.engine.BadInput("unknown mode '" + m + "' (expected one of " + String.join(", ", MODES) + ", " + String.join(", ", MORE_MODES) + ")");
            }
        }
        for (String v : variants) {
            if (Catalog.variant(v) == null) throw new lazymm.engine.BadInput("unknown variant '" + v + "' (see ./lazymm list)");
        }
        boolean early = earlyStop != null ? earlyStop : mutants;
        Path scratch = java.nio.file.Files.createTempDirectory("lazymm-bench-");
        o.printf("time to bug: %s; modes %s; seeds 1..%d, %d s each%s; load average at the start %.1f on %d cores%n",
                String.join(", ", variants), String.join(", ", modes), seeds, time,
                early ? " (--early-stop: a seed that cannot change the median is cut or not run)" : "",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        o.printf("  (fuzz times are from the command's start: they include the worker JVMs' start and instrumentation; "
                + "fuzz runs %d worker%s, one per processor, fuzz-one-job one)%n", FuzzCommand.defaultJobs(), FuzzCommand.defaultJobs() == 1 ? "" : "s");
        o.flush();
        List<Object> rows = new java.util.ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(java.util.Locale.ROOT,
                "Written by `./lazymm bench %s --figures docs/FIGURES.md` on %s: seeds 1..%d, %d s each%s, "
                        + "load average %.1f at the start on %d cores. Fuzz times include the worker JVMs' start; "
                        + "fuzz has one worker per processor.%n%n"
                        + "| variant | mode | found | median time | median executions | exec/s | seconds per seed |%n|---|---|---|---|---|---|---|%n",
                mutants ? "--mutants" : "--time-to-bug", java.time.LocalDate.now(java.time.ZoneOffset.UTC), seeds, time,
                early ? " (early stop: in the seconds column, (>N) is a seed cut at the median so far, n/r one not run "
                        + "because more than half had missed; the medians are exact, the found counts lower bounds)" : "",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors()));
        for (String v : variants) {
            // seeds outside, modes inside: a load that changes during the run weighs on every mode alike
            Map<String, List<Search>> byMode = new LinkedHashMap<>();
            for (String m : modes) byMode.put(m, new java.util.ArrayList<>());
            for (int seed = 1; seed <= seeds; seed++) {
                for (String m : modes) {
                    long limit = early ? limitOf(byMode.get(m), seeds, time) : time;
                    if (m.equals("fuzz-rotate")) System.setProperty("lazymm.fuzz.fallback", "rotate");
                    else System.clearProperty("lazymm.fuzz.fallback");
                    Search r = limit == 0 ? Search.NOT_RUN
                            : m.startsWith("fuzz") ? fuzz(v, seed, feedbackOf(m), m.equals("fuzz-no-generate"), m.equals("fuzz-one-job"), limit, scratch.resolve(v + "-" + m + "-" + seed))
                            : explore(v, m, seed, limit);
                    byMode.get(m).add(limit < time && r.toBug() < 0 ? new Search(-1, r.executions(), r.seconds(), limit) : r);
                }
            }
            for (String m : modes) {
                List<Search> runs = byMode.get(m);
                double[] t = runs.stream().mapToDouble(r -> r.toBug() < 0 ? Double.POSITIVE_INFINITY : r.toBug()).sorted().toArray();
                double median = t[(t.length - 1) / 2];
                // the executions of the seed whose time is the median (with --early-stop the others may be cut)
                double medianExecs = Double.isInfinite(median) ? median : runs.stream()
                        .filter(r -> r.toBug() == median).mapToDouble(Search::executions).findFirst().orElseThrow();
                long found = runs.stream().filter(r -> r.toBug() >= 0).count();
                double[] rates = runs.stream().filter(r -> r.cut() != 0).mapToDouble(Search::rate).sorted().toArray();
                double rate = rates.length == 0 ? 0 : median(rates);
                StringBuilder each = new StringBuilder();
                for (Search r : runs) {
                    if (each.length() > 0) each.append(' ');
                    each.append(r.shown());
                }
                o.printf(java.util.Locale.ROOT, "%-18s %-17s found %d/%d  median %8s  %12s  exec/s %,8.0f  seconds: %s%n", v, m, found, runs.size(),
                        Double.isInfinite(median) ? ">" + time : String.format(java.util.Locale.ROOT, "%.1f s", median),
                        Double.isInfinite(medianExecs) ? "-" : String.format(java.util.Locale.ROOT, "%,.0f execs", medianExecs), rate, each);
                o.flush();
                table.append(String.format(java.util.Locale.ROOT, "| %s | %s | %d/%d | %s | %s | %,.0f | %s |%n", v, m, found, runs.size(),
                        Double.isInfinite(median) ? ">" + time + " s" : String.format(java.util.Locale.ROOT, "%.1f s", median),
                        Double.isInfinite(medianExecs) ? "-" : String.format(java.util.Locale.ROOT, "%,.0f", medianExecs), rate, each));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("variant", v);
                row.put("mode", m);
                row.put("found", found);
                row.put("runs", (long) runs.size());
                row.put("median_seconds", Double.isInfinite(median) ? null : median);
                row.put("median_executions", Double.isInfinite(medianExecs) ? null : (long) medianExecs);
                row.put("executions_per_second", (long) rate);
                List<Object> per = new java.util.ArrayList<>();
                for (int i = 0; i < runs.size(); i++) {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("seed", (long) (i + 1));
                    one.put("seconds_to_bug", runs.get(i).toBug() < 0 ? null : runs.get(i).toBug());
                    one.put("executions", runs.get(i).executions());
                    one.put("seconds", runs.get(i).seconds());
                    if (runs.get(i).cut() >= 0) one.put("early_stop", runs.get(i).cut() == 0 ? "not run" : "cut at " + runs.get(i).cut() + " s");
                    per.add(one);
                }
                row.put("per_seed", per);
                rows.add(row);
            }
            Map<String, Object> rep = new LinkedHashMap<>();
            rep.put("command", "bench --time-to-bug");
            rep.put("time_limit", time);
            rep.put("cores", (long) Runtime.getRuntime().availableProcessors());
            rep.put("rows", rows);
            report.write(rep);  // rewritten after each variant
            if (out != null) out.write(table.toString());  // likewise
        }
        if (mutants) {
            String caught = caughtSummary(rows);
            o.println(caught);
            if (out != null) out.write(table + "\n" + caught + "\n");
        }
        if (out != null) o.println("figures written to " + figures);
        return report.exitCode(Main.OK);
    }

    /**
     * The mutation benchmark's verdict: per mode, how many variants were caught, a variant being
     * caught when the median of its seeds found it (at least half of them, rounded up, within the
     * time).
     */
    static String caughtSummary(List<Object> rows) {
        Map<String, int[]> byMode = new LinkedHashMap<>();
        StringBuilder missed = new StringBuilder();
        StringBuilder others = new StringBuilder();
        for (Object r : rows) {
            @SuppressWarnings("unchecked") Map<String, Object> row = (Map<String, Object>) r;
            long found = (Long) row.get("found");
            long runs = (Long) row.get("runs");
            String id = (String) row.get("variant");
            lazymm.model.sim.Variant v = Catalog.variant(id);
            if (v != null && !v.isBroken()) {  // a mutant expected clean (a negative control) or under test: not counted
                others.append(others.length() == 0 ? "" : ", ").append(id).append(" (").append(v.expect()).append(": ")
                        .append(found == 0 ? "nothing found" : v.isClean() ? "FOUND, a false alarm to look at" : "found").append(')');
                continue;
            }
            boolean caught = row.get("median_seconds") != null;  // the median of its seeds found it
            int[] c = byMode.computeIfAbsent((String) row.get("mode"), m -> new int[2]);
            c[1]++;
            if (caught) c[0]++;
            else missed.append(missed.length() == 0 ? "" : ", ").append(id).append(" (").append(row.get("mode")).append(')');
        }
        StringBuilder b = new StringBuilder();
        for (var e : byMode.entrySet()) {
            b.append(String.format(java.util.Locale.ROOT, "mutants caught by %s: %d of %d (%.0f%%)%n", e.getKey(), e.getValue()[0],
                    e.getValue()[1], 100.0 * e.getValue()[0] / Math.max(1, e.getValue()[1])));
        }
        if (missed.length() > 0) b.append("missed: ").append(missed).append('\n');
        if (others.length() > 0) b.append("not counted: ").append(others);
        return b.toString().strip();
    }

    private static double median(double[] sorted) { return sorted[(sorted.length - 1) / 2]; }

    private Search explore(String variant, String strategy, long seed, long limit) {
        var target = Catalog.targetOf(variant);
        var cfg = Catalog.variant(variant).defaults();
        var out = Explorer.explore(Explorer.Settings.of(target, cfg)
                .strategy(strategy).seed(seed).seconds(limit), 1e9, null);
        return new Search(out.failing() != null ? out.seconds() : -1, out.executions(), out.seconds());
    }

    /** The fuzz command's --feedback of a bench mode: fuzz (the default kind), fuzz-KIND, fuzz-no-feedback. */
    static String feedbackOf(String mode) {
        return mode.equals("fuzz") || mode.equals("fuzz-rotate") || mode.equals("fuzz-no-generate") || mode.equals("fuzz-one-job") ? "conflicts" : mode.equals("fuzz-no-feedback") ? "none" : mode.substring("fuzz-".length());
    }

    private Search fuzz(String variant, long seed, String feedback, boolean noGenerate, boolean oneJob, long limit, Path out) {
        FuzzCommand f = new FuzzCommand();
        CommandLine cl = new CommandLine(f);
        cl.setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()));
        List<String> args = new java.util.ArrayList<>(List.of("--variant", variant, "--time", "" + limit, "--seed", "" + seed,
                "--no-seeds", "--out", out.toString()));
        args.add("--feedback=" + feedback);
        if (noGenerate) args.add("--no-generate");
        if (oneJob) args.add("--jobs=1");
        cl.execute(args.toArray(String[]::new));
        return f.firstFindingSeconds >= 0
                ? new Search(f.firstFindingSeconds, f.firstFindingExecutions, f.firstFindingSeconds)
                : new Search(-1, f.totalExecutions, f.totalSeconds);
    }

    private static double round2(double d) { return Math.round(d * 100) / 100.0; }

    private static Result run(YieldBench model, Config cfg, Strategy s) {
        s.startExecution();
        return new Execution(model, cfg, null, s, Long.MAX_VALUE, false, false).run();
    }

    /** Units per second of {@code work}: a warm-up of a third of the time, then the measurement. */
    private double rate(java.util.function.LongSupplier work) {
        long warmEnd = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warmEnd) work.getAsLong();
        long units = 0;
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long now;
        do {
            units += work.getAsLong();
            now = System.nanoTime();
        } while (now < end);
        return units / ((now - t0) / 1e9);
    }

    /**
     * Two platform threads hand a token back and forth: each waits (park) until the token is its
     * own, then passes it and wakes the other (unpark). This is what running each model CPU on its
     * own thread under a scheduler would cost per switch. Returns the number of handoffs.
     */
    private static long handoffs() {
        final int rounds = 20_000;
        final Thread[] t = new Thread[2];
        final java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
        for (int me = 0; me < 2; me++) {
            final int self = me;
            t[me] = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    while (turn.get() != self) LockSupport.park(turn);
                    turn.set(1 - self);
                    LockSupport.unpark(t[1 - self]);
                }
            }, "handoff-" + me);
        }
        t[0].start();
        t[1].start();
        try {
            t[0].join();
            t[1].join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 2L * rounds;
    }
}
