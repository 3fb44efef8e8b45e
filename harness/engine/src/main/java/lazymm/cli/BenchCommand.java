package lazymm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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
                "Needs the agent (./lazymm sets it up): without it the bench model has no yield points.",
                ""})
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", description = "time per measurement (default: ${DEFAULT-VALUE})")
    double seconds = 3;

    @Option(names = "--report", paramLabel = "FILE.json", description = "also write the figures as JSON")
    Path report;

    @Override
    public Integer call() throws Exception {
        var o = spec.commandLine().getOut();
        if (seconds <= 0) throw new lazymm.engine.BadInput("--seconds must be positive, got " + seconds);
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
        double execs = rate(() -> Explorer.explore(new Explorer.Settings(target, small, "random", 1, 3, 2,
                Explorer.Programs.DEFAULT, 20_000, 0, Execution.DEFAULT_STEP_BOUND, true), 1e9, null)
                .executions());
        var kernel = Catalog.targetOf("upstream");
        var upstream = Catalog.variant("upstream").defaults();
        double kernelExecs = rate(() -> Explorer.explore(new Explorer.Settings(kernel, upstream, "random", 1, 3, 2,
                Explorer.Programs.RANDOM, 2_000, 0, Execution.DEFAULT_STEP_BOUND, true), 1e9, null).executions());
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "bench");
        rep.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        rep.put("cores", (long) Runtime.getRuntime().availableProcessors());
        rep.put("yields_per_second", Math.round(yields));
        rep.put("switches_per_second", Math.round(switches));
        rep.put("baseline_handoff_per_second", Math.round(handoff));
        rep.put("executions_per_second", Math.round(execs));
        rep.put("kernel_executions_per_second", Math.round(kernelExecs));
        rep.put("yields_vs_handoff", round2(yields / handoff));
        rep.put("switches_vs_handoff", round2(switches / handoff));
        o.printf("yields_per_second           %,14.0f%n", yields);
        o.printf("switches_per_second         %,14.0f%n", switches);
        o.printf("baseline_handoff_per_second %,14.0f%n", handoff);
        o.printf("executions_per_second       %,14.0f   (example-lost-update-fixed, 2 CPUs)%n", execs);
        o.printf("kernel_executions_per_second%,14.0f   (upstream, 3 CPUs, random programs, every oracle on)%n", kernelExecs);
        o.printf("yields / handoff            %14.2fx%n", yields / handoff);
        o.printf("switches / handoff          %14.2fx%n", switches / handoff);
        Options.writeReport(report, rep);
        return Main.OK;
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
