package lazymm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lazymm.engine.BadInput;
import lazymm.engine.ReproducerMinimizer;
import lazymm.engine.fuzz.FuzzEntry;
import lazymm.engine.fuzz.FuzzTarget;
import lazymm.engine.fuzz.WarmStart;
import lazymm.engine.fuzz.WorkerProtocol;
import lazymm.engine.io.Reproducer;
import lazymm.model.sim.Config;
import lazymm.model.sim.Target;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fuzz", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Fuzzes one variant with Jazzer (coverage-guided, libFuzzer's engine): each input decodes into a "
                        + "program and a schedule (which CPU steps at each shared access, when a store buffer "
                        + "drains, when an interrupt is taken, where a task is preempted), and the interleavings an "
                        + "input reaches are fed back to the fuzzer beside code coverage.",
                "A progress line every 5 s. Each finding is written at once as a reproducer that "
                        + "'./lazymm replay FILE' re-runs exactly (and its input, minimized), and the campaign stops "
                        + "at the first unless --keep-going. The corpus is kept in OUT/corpus/<target>/: the next "
                        + "run resumes from it, with fuzz-corpus/<target>/ as seeds.",
                "",
                "Examples:",
                "  ./lazymm fuzz                                      (today's kernel on its default configuration, 30 s)",
                "  ./lazymm fuzz --variant HP-HOTPLUG --time 60",
                "  ./lazymm fuzz --variant upstream --jobs 2 --keep-going --time 600 --report fuzz.json",
                "  ./lazymm fuzz --variant hazard --arch arm64 --cpus 2-4",
                ""},
        footer = {"", Main.EXIT_CODES})
final class FuzzCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Mixins.Configuration configuration;

    @CommandLine.Mixin
    Mixins.TimeLimit time = new Mixins.TimeLimit(30);

    @Option(names = "--jobs", paramLabel = "N", description = "fuzzing workers (JVMs) sharing one corpus (default: one per "
            + "processor of this machine, at most 8: " + "${DEFAULT-VALUE} here)")
    int jobs = defaultJobs();

    /**
     * One worker per processor, at most 8: the workers share nothing but the corpus directory, so
     * executions scale with the cores (1.8x on 2 cores, measured in docs/FIGURES.md with the bench
     * mode fuzz-one-job), and 8 keeps a big machine's memory and corpus churn in bounds.
     */
    static int defaultJobs() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    @Option(names = "--no-generate", description = "run only Jazzer's inputs; by default each is followed by an input "
            + "generated at random (a random program under a PCT, random-walk or swarm schedule, as a short input decodes), "
            + "so that half the executions sample programs and schedules afresh while Jazzer's mutations follow coverage")
    boolean noGenerate;

    @Option(names = "--keep-going", description = "do not stop at the first violation; report each signature once")
    boolean keepGoing;

    @CommandLine.Mixin
    Mixins.OutDir out;

    @CommandLine.Mixin
    Mixins.Report report;

    @CommandLine.Mixin
    Mixins.Search search;

    @Option(names = "--no-feedback", description = "code coverage only: no interleaving features (for comparison); the same as --feedback none")
    boolean noFeedback;

    @Option(names = "--feedback", paramLabel = "KIND", converter = Mixins.FeedbackConverter.class,
            description = "the interleaving features given to the fuzzer beside code coverage: "
            + "conflicts (ordered pairs of conflicting accesses to one location by two CPUs, the default), "
            + "switches (the pair of accesses each switch of CPU makes adjacent), all (both), none")
    WorkerProtocol.Feedback feedback = WorkerProtocol.Feedback.CONFLICTS;

    @Option(names = "--no-seeds", description = "do not add fuzz-corpus/<target>/ as seeds (start from OUT's corpus alone: an empty one for a measurement from scratch)")
    boolean noSeeds;

    @CommandLine.Mixin
    Mixins.Minimize minimize;

    @Option(names = "--no-warm-start", description = "do not run inputs in this command's JVM while the first worker "
            + "starts (by default the kept corpus and the seeds run here at once, then generated inputs, until a worker "
            + "has run its first input: a worker JVM takes seconds to start)")
    boolean noWarmStart;

    /** After call(): when the first finding was reported (seconds from the start, -1 if none), and the totals. */
    double firstFindingSeconds = -1;
    /** After call(): when the first execution ended, in seconds from this JVM's start (-1 if none). */
    double firstExecutionSeconds = -1;
    long firstFindingExecutions = -1;
    long totalExecutions;
    double totalSeconds;

    private static final Pattern LIBFUZZER = Pattern.compile("^#(\\d+)\\s.*?cov: (\\d+) ft: (\\d+) corp: (\\d+)/");

    /** What one worker said last. */
    private static final class Worker {
        final int id;
        Process process;
        volatile long execs;
        volatile long features;
        volatile long cov;
        volatile long ft;
        volatile long corp;
        volatile boolean done;
        /** It has reported its first statistics (after its first execution). */
        volatile boolean running;
        /** Stopped by this command when worker 0 ended at the time limit: its exit code is not an error. */
        volatile boolean stoppedHere;
        Worker(int id) { this.id = id; }
    }

    /** A worker's message, or (message null) its end with its exit code. */
    private record Event(int worker, WorkerProtocol.Message message, int exit) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Target target = configuration.target();
        Config cfg = configuration.withoutCpus();
        int[] range = configuration.cpuRange(cfg.cpus());
        long time = this.time.wholeSeconds();
        if (jobs < 1 || jobs > 64) throw new BadInput("--jobs must be 1..64, got " + jobs);
        long maxSteps = search.maxSteps();
        minimize.minimizeTime();
        out.check();
        report.check();
        if (feedback == WorkerProtocol.Feedback.NONE) noFeedback = true;
        // the campaign, checked here: the workers build the same one from the properties
        FuzzTarget.Campaign campaign = new FuzzTarget.Campaign(target, cfg, range[0], range[1], maxSteps, true);

        Path corpus = out.dir.resolve("corpus").resolve(target.id());
        Path crashes = out.dir.resolve("crashes");
        Path logs = out.dir.resolve("logs");
        Files.createDirectories(corpus);
        Files.createDirectories(crashes);
        Files.createDirectories(logs);
        Path seeds = noSeeds ? null : seedsDir(target.id());
        o.printf("lazymm fuzz: %s, CPUs %s, %d job%s, %s, %s%n", cfg, range[0] == range[1] ? "" + range[0] : range[0] + "-" + range[1],
                jobs, jobs == 1 ? "" : "s", noFeedback ? "code coverage only" : "code coverage + interleaving feedback (" + feedback + ")",
                time == 0 ? "no time limit" : time + " s");
        o.printf("  corpus %s (%d inputs)%s%n", corpus, count(corpus),
                seeds == null ? "" : ", seeds fuzz-corpus/" + target.id() + " (" + count(seeds) + ")");
        o.flush();

        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "fuzz");
        rep.put("variant", cfg.variant());
        rep.put("config", configJson(cfg, range));
        rep.put("jobs", (long) jobs);
        rep.put("feedback", noFeedback ? "none" : feedback.toString());
        rep.put("verdict", "running");
        List<Map<String, Object>> found = new ArrayList<>();
        rep.put("findings", found);
        report.write(rep);

        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        // Worker 0 starts alone and the others once it runs its inputs (its first statistics line,
        // or 20 s): JVMs starting side by side share the cores, and on 2 cores two of them took
        // 7.5 s to a first execution where one took 4.1 s (docs/FIGURES.md, "--jobs").
        List<Worker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        // the command's own runner, while worker 0 starts: stopped at worker 0's first execution;
        // started first, so that its first execution does not wait behind the worker JVM's start
        WarmStart warm = this.warm = noWarmStart ? null : new WarmStart(campaign, out.dir, seeds == null ? List.of(corpus) : List.of(corpus, seeds),
                search.seed, WorkerProtocol.WorkerConfig.DEFAULT_MINIMIZE_RUNS, keepGoing,
                m -> events.add(new Event(WarmStart.ID, m, 0)));
        if (warm != null) {
            Thread t = new Thread(warm, "lazymm-warm-start");
            t.setDaemon(true);
            t.start();
        }
        Worker first = new Worker(0);
        first.process = start(first, campaign, corpus, seeds, crashes, logs, events, time);
        workers.add(first);
        long firstExecution = 0;  // nanoTime of the first execution a worker reported
        // the fallback, if worker 0 never reports (a test sets it long, to see the report start them)
        long restAfter = Long.getLong("lazymm.fuzz.restAfterSeconds", 20);
        long startRestBy = jobs > 1 ? start + restAfter * 1_000_000_000L : Long.MAX_VALUE;
        // an interrupt (Ctrl-C) or a kill: the workers go, and the report gets a final verdict rather
        // than "running" (a violation stays one; what was not searched to the end says interrupted)
        boolean[] finished = {false};
        Thread hook = new Thread(() -> {
            workers.forEach(w -> w.process.destroyForcibly());
            synchronized (rep) {
                if (finished[0]) return;
                if ("running".equals(rep.get("verdict"))) rep.put("verdict", "interrupted");
                rep.put("interrupted", true);
                rep.put("executions", executions(workers, warm));
                rep.put("seconds", (System.nanoTime() - start) / 1e9);
                report.write(rep);
            }
        }, "lazymm-fuzz-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        Set<String> signatures = new LinkedHashSet<>();
        Map<String, Integer> finder = new java.util.HashMap<>();  // reproducer file -> the worker that reported it first
        long nextProgress = start + 5_000_000_000L;
        long deadline = time == 0 ? Long.MAX_VALUE : start + (time + 30) * 1_000_000_000L;  // the workers stop themselves at time
        boolean stop = false;
        long stopBy = Long.MAX_VALUE;  // after the first finding: time for the finder to minimize it
        int error = 0;
        while (!stop) {
            Event e = events.poll(200, TimeUnit.MILLISECONDS);
            long now = System.nanoTime();
            if (e != null) {
                switch (e.message()) {
                    case WorkerProtocol.Unwritten u -> {
                        if (signatures.add(u.signature())) {
                            spec.commandLine().getErr().println("lazymm: error: " + who(e.worker()) + " cannot write the reproducer "
                                    + u.reproducer() + " (" + u.reason() + "); it follows on the output: save it as a .json file to replay it");
                            o.printf("VIOLATION %s (%s, %.1f s)%n  reproducer (not written):%n%s%n",
                                    u.signature(), who(e.worker()), (now - start) / 1e9, u.json());
                            o.flush();
                            Map<String, Object> fj = new LinkedHashMap<>();
                            fj.put("signature", u.signature());
                            fj.put("kind", kindOf(u.signature()));
                            fj.put("reproducer", null);
                            fj.put("seconds", (now - start) / 1e9);
                            synchronized (rep) {
                                found.add(fj);
                                rep.put("verdict", "violation");
                                report.write(rep);
                            }
                            if (firstFindingSeconds < 0) {
                                firstFindingSeconds = (now - start) / 1e9;
                                firstFindingExecutions = executions(workers, warm);
                            }
                            if (!keepGoing) stop = true;  // the worker is gone: nothing to wait for
                        }
                    }
                    case WorkerProtocol.Finding f -> {
                        if (signatures.add(f.signature())) {
                            Path file = f.reproducer();
                            finder.put(file.toString(), e.worker());
                            List<String> all = findingsOf(file);
                            o.printf("VIOLATION %s (%s, %.1f s)%n  reproducer: %s%n  replay:     ./lazymm replay %s%n",
                                    f.signature(), who(e.worker()), (now - start) / 1e9, file, file);
                            if (all.size() > 1) o.printf("  findings, in order: %s%n", String.join(", then ", all));
                            o.flush();
                            Map<String, Object> fj = new LinkedHashMap<>();
                            fj.put("signature", f.signature());
                            fj.put("kind", kindOf(f.signature()));
                            if (all.size() > 1) fj.put("findings", new java.util.ArrayList<Object>(all));
                            fj.put("reproducer", file.toString());
                            fj.put("seconds", (now - start) / 1e9);
                            if (firstFindingSeconds < 0) {
                                firstFindingSeconds = (now - start) / 1e9;
                                firstFindingExecutions = executions(workers, warm);
                            }
                            synchronized (rep) {
                                found.add(fj);
                                rep.put("verdict", "violation");
                                report.write(rep);
                            }
                            if (!keepGoing) stopBy = Math.min(stopBy, now + 30_000_000_000L);
                        }
                    }
                    case WorkerProtocol.Minimized m -> {
                        if (!Integer.valueOf(e.worker()).equals(finder.get(m.reproducer().toString()))) break;  // another worker's copy
                        if (!keepGoing) stop = true;  // the finder has written its minimized input: stop
                        o.printf("  input:      %s -> %s bytes (minimized by the fuzzer)%n", m.fromBytes(), m.toBytes());
                        o.flush();
                    }
                    case WorkerProtocol.ErrorMessage m -> {
                        o.flush();
                        spec.commandLine().getErr().println("lazymm: " + who(e.worker()) + ": " + m.text());
                        error = 1;
                    }
                    case WorkerProtocol.Stats st -> {
                        if (e.worker() == WarmStart.ID) break;
                        if (firstExecution == 0) firstExecution = now;
                        if (e.worker() == 0 && warm != null) warm.stop();
                        if (e.worker() == 0 && workers.size() < jobs) startRestBy = now;
                    }
                    case null -> {
                        workers.get(e.worker()).done = true;
                        int code = e.exit();
                        if (code != 0 && !workers.get(e.worker()).stoppedHere && !(code == 77 || signatures.size() > 0)) {
                            spec.commandLine().getErr().println("lazymm: error: fuzzing worker " + e.worker()
                                    + " ended with exit code " + code + " (its output: " + logs.resolve("worker-" + e.worker() + ".log") + ")");
                            error = 2;
                        }
                        if (e.worker() == 0 && code == 0 && time > 0) {
                            // worker 0 ran the campaign's time: the ones started after it stop with it
                            for (Worker w : workers) {
                                if (!w.done && w.process.isAlive()) {
                                    w.stoppedHere = true;
                                    w.process.destroy();
                                }
                            }
                        }
                        if (workers.stream().allMatch(w -> w.done)) stop = true;
                    }
                }
            }
            if (now >= stopBy) stop = true;  // a finder that does not report its minimization in time
            if (!stop && (keepGoing || signatures.isEmpty()) && now >= startRestBy && workers.size() < jobs) {
                startRestBy = Long.MAX_VALUE;
                long left = time == 0 ? 0 : Math.max(1, time - (now - start) / 1_000_000_000L);
                for (int i = workers.size(); i < jobs; i++) {
                    Worker w = new Worker(i);
                    w.process = start(w, campaign, corpus, seeds, crashes, logs, events, left);
                    workers.add(w);
                }
            }
            if (now >= nextProgress) {
                nextProgress += 5_000_000_000L;
                o.println(progress(workers, corpus, signatures.size(), (now - start) / 1e9));
                o.flush();
            }
            if (now >= deadline) stop = true;
        }
        if (warm != null) warm.stop();
        for (Worker w : workers) {
            if (w.process.isAlive()) w.process.destroy();
        }
        for (Worker w : workers) {
            if (!w.process.waitFor(10, TimeUnit.SECONDS)) w.process.destroyForcibly();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long execs = executions(workers, warm);
        totalExecutions = execs;
        if (warm != null && warm.firstExecutionNanos() != 0 && (firstExecution == 0 || warm.firstExecutionNanos() < firstExecution)) {
            firstExecution = warm.firstExecutionNanos();
        }
        if (firstExecution != 0) firstExecutionSeconds = Options.sinceJvmStart(firstExecution);
        totalSeconds = secs;
        o.println(progress(workers, corpus, signatures.size(), secs));
        if (firstExecutionSeconds >= 0) {
            o.printf("  first execution %.2f s after the JVM started%s%n", firstExecutionSeconds,
                    warm == null || warm.executions() == 0 ? "" : String.format(Locale.ROOT, "; %,d executions here while worker 0 started", warm.executions()));
        }
        if (signatures.isEmpty()) {
            o.printf("no violation in %,d executions (%.1f s, %,.0f exec/s)%n", execs, secs, execs / Math.max(secs, 1e-9));
        } else {
            o.printf("%d violation%s found in %,d executions (%.1f s)%n", signatures.size(), signatures.size() == 1 ? "" : "s", execs, secs);
            if (!minimize.noMinimize) {
                for (Map<String, Object> f : found) minimize(o, f, rep);
            }
        }
        synchronized (rep) {
            rep.put("verdict", signatures.isEmpty() ? error != 0 ? "error" : "clean" : "violation");
            rep.put("violation", found.isEmpty() ? null : found.get(0));
            rep.put("reproducer", found.isEmpty() ? null : found.get(0).get("reproducer"));
            rep.put("executions", execs);
            rep.put("seconds", secs);
            rep.put("first_execution_seconds", firstExecutionSeconds < 0 ? null : firstExecutionSeconds);
            rep.put("warm_start_executions", warm == null ? 0L : warm.executions());
            rep.put("corpus", (long) count(corpus));
            rep.put("coverage", workers.stream().mapToLong(w -> w.cov).max().orElse(0));
            rep.put("interleaving_features", workers.stream().mapToLong(w -> w.features).max().orElse(0));
            report.write(rep);
            finished[0] = true;
        }
        if (!signatures.isEmpty()) return Main.VIOLATION;
        // a worker that failed (its error line is above) is lazymm's problem, not the user's input
        return report.exitCode(error != 0 ? Main.INTERNAL : Main.OK);
    }

    /**
     * Minimizes one finding's reproducer in place (schedule, program, drains, interrupts: what
     * {@code ./lazymm minimize} does), after the workers stopped: the one the worker wrote is kept
     * beside it as {@code .orig.json}, and is what stays if minimization fails or is interrupted.
     */
    private void minimize(PrintWriter o, Map<String, Object> f, Object reportLock) {
        if (f.get("reproducer") == null) return;  // not written: it is on the output as found
        Path file = Path.of((String) f.get("reproducer"));
        if (!Files.exists(file)) return;  // a worker stopped before it wrote it: nothing to do
        Path orig = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.json$", ".orig.json"));
        try {
            Reproducer found = Reproducer.read(file);
            found.write(orig);
            ReproducerMinimizer.Outcome m = ReproducerMinimizer.minimize(found, minimize.minimizeTime());
            m.minimized().write(file);
            o.printf("  minimized:  %s: %s, %d choices, %d switches (as found: %d choices, %d switches; %.2f s%s)%n  as found:   %s%n",
                    file.getFileName(), m.minimized().program(), m.after().choices(), m.after().switches(),
                    m.before().choices(), m.before().switches(), m.seconds(),
                    m.oneMinimal() ? "" : ", stopped at --minimize-time", orig);
            synchronized (reportLock) {  // the shutdown hook may be writing the report
                f.put("original", orig.toString());
                f.put("minimized", Map.of("before", m.before().toJson(), "after", m.after().toJson()));
            }
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("lazymm: " + file + " could not be minimized (" + e.getMessage() + "); it stays as found");
        }
        o.flush();
    }

    private long lastExecs;
    private double lastSecs;
    private WarmStart warm;

    private static long executions(List<Worker> workers, WarmStart warm) {
        return workers.stream().mapToLong(w -> w.execs).sum() + (warm == null ? 0 : warm.executions());
    }


    /** How the output names a runner: a worker, or the command's warm start. */
    private static String who(int id) {
        return id == WarmStart.ID ? "warm start" : "worker " + id;
    }

    /** A progress line; the rate is over the time since the previous line. */
    private String progress(List<Worker> workers, Path corpus, int findings, double secs) {
        long execs = executions(workers, warm);
        double rate = (execs - lastExecs) / Math.max(secs - lastSecs, 1e-9);
        lastExecs = execs;
        lastSecs = secs;
        return String.format(Locale.ROOT, "[%6.1fs] %,d execs (%,.0f/s), corpus %,d, coverage %,d (ft %,d), interleavings %,d, findings %d",
                secs, execs, rate, count(corpus),
                workers.stream().mapToLong(w -> w.cov).max().orElse(0),
                workers.stream().mapToLong(w -> w.ft).max().orElse(0),
                workers.stream().mapToLong(w -> w.features).max().orElse(0), findings);
    }

    private static Map<String, Object> configJson(Config c, int[] range) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", c.arch());
        m.put("lazy_tlb", c.lazyTlb());
        m.put("memory", c.memory());
        m.put("min_cpus", (long) range[0]);
        m.put("max_cpus", (long) range[1]);
        return m;
    }

    /** fuzz-corpus/<target>/ of this lazymm, if there is one. */
    private static Path seedsDir(String target) {
        String home = System.getProperty("lazymm.home");
        if (home == null) return null;
        Path p = Path.of(home, "fuzz-corpus", target);
        return Files.isDirectory(p) ? p : null;
    }

    private static int count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("README")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** A signature's violation kind: the part before the first ':' ("UseAfterFree:__mmdrop<-..."). */
    /** The signatures of every finding of a written reproducer, in order (its verdict alone when it has no other). */
    private static List<String> findingsOf(Path file) {
        try {
            Reproducer r = Reproducer.read(file);
            if (r.findings().isEmpty()) return List.of(r.signature());
            return r.findings().stream().map(Reproducer.Finding::signature).toList();
        } catch (lazymm.engine.BadInput e) {
            return List.of();
        }
    }

    private static String kindOf(String signature) {
        int colon = signature.indexOf(':');
        return colon < 0 ? signature : signature.substring(0, colon);
    }

    /**
     * Worker {@code id}'s seed (its generated inputs' and libFuzzer's): worker 0 has the campaign's,
     * the others a hash of it, from 1 to 2^31-1 (libFuzzer's -seed=0 means "pick one"). Not
     * seed+id: campaigns of consecutive seeds would share workers, and the benchmark's seeds would
     * not be independent.
     */
    static long workerSeed(long seed, int id) {
        if (id == 0) return seed;
        long h = new lazymm.engine.SplitMix64(seed ^ (0x9E3779B97F4A7C15L * id)).nextLong();
        return 1 + Math.floorMod(h, (1L << 31) - 1);
    }

    /** What worker {@code id} is told: the campaign {@code c} as checked here, and this command's duties. */
    WorkerProtocol.WorkerConfig workerConfig(FuzzTarget.Campaign c, int id) {
        Config cfg = c.config();
        return new WorkerProtocol.WorkerConfig(cfg.variant(), cfg.arch(), cfg.memory(), c.minCpus(), c.maxCpus(),
                c.maxSteps(), out.dir, keepGoing, noFeedback ? WorkerProtocol.Feedback.NONE : feedback, id, true,
                WorkerProtocol.WorkerConfig.DEFAULT_MINIMIZE_RUNS, workerSeed(search.seed, id),
                noGenerate ? 0 : WorkerProtocol.WorkerConfig.DEFAULT_GENERATE);
    }

    /** Starts worker {@code w}, to stop itself after {@code time} seconds (0: no limit). */
    private Process start(Worker w, FuzzTarget.Campaign c, Path corpus, Path seeds, Path crashes, Path logs,
                          BlockingQueue<Event> events, long time) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-XX:SharedArchiveFile=")) cmd.add(a);
        }
        cmd.addAll(List.of("-Xmx1g", "-Xss4m", "--enable-native-access=ALL-UNNAMED"));
        // the workers' own class-data archive (the launcher names it: their classes are not the
        // command's), made by the first worker that ends after a build; none without the launcher
        String cds = System.getProperty("lazymm.cds");
        cmd.add(cds != null ? "-XX:SharedArchiveFile=" + cds : "-Xshare:off");
        String fallback = System.getProperty("lazymm.fuzz.fallback");
        if (fallback != null) cmd.add("-Dlazymm.fuzz.fallback=" + fallback);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(workerConfig(c, w.id).jvmArgs());
        cmd.add("com.code_intelligence.jazzer.Jazzer");
        cmd.add("--target_class=" + FuzzEntry.class.getName());
        // coverage of the kernel paths only: not the memory simulation, the oracles, the program
        // decoder or the litmus runner, whose edges say nothing about the kernel's code and whose
        // per-step loops cost (measured: 1.7 to 2 times the executions per second, docs/DESIGN.md
        // "What Jazzer instruments")
        cmd.add("--instrumentation_includes=lazymm.model.kernel.**:lazymm.example.**");
        cmd.add("--instrumentation_excludes=lazymm.model.kernel.Oracles*:lazymm.model.kernel.KernelPrograms*");
        cmd.add("--custom_hook_includes=lazymm.model.**:lazymm.example.**");
        // none of Jazzer's bug detectors (SQL, LDAP, path traversal, deserialization...) can apply
        // to a Java model of the kernel; loading them redefines JDK classes at every worker start
        String sanitizers = sanitizerHooks();
        if (!sanitizers.isEmpty()) cmd.add("--disabled_hooks=" + sanitizers);
        // edge coverage only: the decoder never compares input bytes with constants, so libFuzzer's
        // comparison tracing cannot help, and it costs (measured: 1,307 against 2,918 exec/s)
        cmd.add("--trace=cov");
        cmd.add("--reproducer_path=" + logs);
        if (keepGoing) cmd.add("--keep_going=0");
        cmd.add("-seed=" + workerSeed(search.seed, w.id));
        if (time > 0) cmd.add("-max_total_time=" + time);
        cmd.add("-artifact_prefix=" + crashes + "/");
        cmd.add("-max_len=4096");
        cmd.add("-timeout=120");
        cmd.add("-rss_limit_mb=4096");
        cmd.add("-reload=1");
        cmd.add(corpus.toString());
        if (seeds != null) cmd.add(seeds.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        Path log = logs.resolve("worker-" + w.id + ".log");
        Thread reader = new Thread(() -> read(w, p, log, events), "lazymm-worker-" + w.id);
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    /**
     * The class names of Jazzer's built-in sanitizer hooks (its own list), ':'-separated as Jazzer's
     * list options are (a ',' list is read as one unknown name, and disables nothing): empty
     * if this Jazzer does not have the list, and then its sanitizers load as before.
     */
    static String sanitizerHooks() {
        try {
            Object names = Class.forName("com.code_intelligence.jazzer.sanitizers.Constants")
                    .getField("SANITIZER_HOOK_NAMES").get(null);
            if (names instanceof List<?> l) {
                return String.join(":", l.stream().map(String::valueOf).toList());
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // another Jazzer: its default hooks
        }
        return "";
    }

    /** Reads a worker's output: our @lazymm lines and libFuzzer's status lines; everything goes to its log. */
    private static void read(Worker w, Process p, Path log, BlockingQueue<Event> events) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer logw = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                logw.write(line);
                logw.write('\n');
                Optional<WorkerProtocol.Message> msg;
                try {
                    msg = WorkerProtocol.Message.parse(line);
                } catch (IllegalArgumentException e) {
                    msg = Optional.of(new WorkerProtocol.ErrorMessage(e.getMessage()));
                }
                if (msg.isPresent()) {
                    switch (msg.get()) {
                        case WorkerProtocol.Stats st -> {
                            w.execs = st.executions();
                            w.features = st.features();
                            // the first one is an event: the worker runs (the warm start stops,
                            // the other workers start); the later ones only update the counts
                            if (!w.running) {
                                w.running = true;
                                events.add(new Event(w.id, st, 0));
                            }
                        }
                        case WorkerProtocol.Finding f -> {
                            events.add(new Event(w.id, f, 0));
                            logw.flush();
                        }
                        case WorkerProtocol.Minimized m -> events.add(new Event(w.id, m, 0));
                        case WorkerProtocol.Unwritten u -> events.add(new Event(w.id, u, 0));
                        case WorkerProtocol.ErrorMessage e -> events.add(new Event(w.id, e, 0));
                    }
                } else {
                    Matcher m = LIBFUZZER.matcher(line);
                    if (m.find()) {
                        w.cov = Long.parseLong(m.group(2));
                        w.ft = Long.parseLong(m.group(3));
                        w.corp = Long.parseLong(m.group(4));
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the worker is gone; its exit code says how
        }
        try {
            events.add(new Event(w.id, null, p.waitFor()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
