package lazymm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lazymm.engine.BadInput;
import lazymm.engine.Execution;
import lazymm.engine.Explorer;
import lazymm.engine.ReproducerMinimizer;
import lazymm.engine.io.Reproducer;
import lazymm.model.sim.Config;
import lazymm.model.sim.Target;
import lazymm.model.sim.Violation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "explore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs the model of one variant again and again under a scheduling strategy until an "
                        + "oracle reports a violation, the time limit, or the execution count.",
                "On a violation it writes a reproducer (configuration, program, schedule, signature), "
                        + "minimized unless --no-minimize (the one as found is kept beside it), "
                        + "and exits 1; './lazymm replay FILE' re-runs it exactly.",
                "",
                "Examples:",
                "  ./lazymm explore                                   (today's kernel, random programs, 30 s)",
                "  ./lazymm explore --variant HP-HOTPLUG --strategy pct --seed 7",
                "  ./lazymm explore --variant upstream --arch powerpc   (today's powerpc: shootdown, weak memory)",
                "  ./lazymm explore --variant hazard --program \"user:1 run sched run | kthread sched | cpuhp down:1\"",
                "  ./lazymm explore --variant HP-WARN --cpus 2 --memory sc --strategy exhaustive --preemptions 2 \\",
                "        --program \"user:1 sched | user:1 run | kthread use:1 unuse\"",
                "",
                "Kernel programs are rows of tasks: user:G (a thread of process G: run, sched, clone, exec, exit),",
                "kthread (use:G, unuse, run, sched), umh (a task without an mm: exec, then a user task's operations),",
                "cpuhp (down:C, up:C). See ./lazymm list for the variants.",
                "membarrier users (user:G): mbreg, mbfast, mbslow (PRIVATE_EXPEDITED: register, fast path, slow path);",
                "mbregg, mbgfast, mbgslow (GLOBAL_EXPEDITED, over memory all processes share); mbregsc, mbsc",
                "(SYNC_CORE: register; modify code and call it); mbregrseq, mbcpu:C (PRIVATE_EXPEDITED_RSEQ with",
                "MEMBARRIER_CMD_FLAG_CPU on CPU C). A kthread runs mbfast and mbgfast on the mm it uses.",
                "lazy MMU mode users (the lazymmu* and LAZYMMU-* variants): mprotect, lazynest (user:G); vmap, pause,",
                "lazyirq (user:G and kthread): a PTE-lock section, a nested one, apply_to_page_range on init_mm,",
                "one paused around a sleep, interrupts using the API.",
                "On s390 also: map2, unmap2 (fault in, munmap the mm's second PTE table), retract (khugepaged",
                "frees the first one: pte_free_defer, or pte_free before v6.6).",
                "On x86 also: mkclean:G (user:G), msync's writeback write-protecting page 0 of process G's mm:",
                "a one-page flush of another process's mm.",
                ""},
        footer = {"", Main.EXIT_CODES})
final class ExploreCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Mixins.Configuration configuration;

    @Option(names = "--strategy", paramLabel = "NAME", converter = Mixins.StrategyName.Converter.class,
            description = "random (a uniform random walk), pct (probabilistic concurrency testing), "
                    + "exhaustive (every schedule within a preemption bound), or swarm (per execution a random walk, PCT, "
                    + "or a walk that holds one CPU or its store buffer still, with drains weighted down); default: ${DEFAULT-VALUE}")
    Mixins.StrategyName strategy = Mixins.StrategyName.RANDOM;

    @CommandLine.Mixin
    Mixins.Search search;

    @Option(names = "--depth", paramLabel = "D", description = "PCT bug depth: D-1 priority changes per execution (default: ${DEFAULT-VALUE})")
    int depth = Explorer.Settings.DEFAULT_PCT_DEPTH;

    @Option(names = "--preemptions", paramLabel = "B", description = "exhaustive: at most B preemptions per execution (default: ${DEFAULT-VALUE})")
    int preemptions = Explorer.Settings.DEFAULT_PREEMPTIONS;

    @Option(names = "--program", paramLabel = "KIND",
            description = "default (the variant's own program each time), random (a new random "
                    + "program each execution), or a program: rows (tasks, or CPUs for the examples) "
                    + "separated by '|', e.g. \"user:1 run sched | user:1 run | kthread use:1 unuse\"; "
                    + "default: random, or default with --strategy exhaustive")
    String program;

    @CommandLine.Mixin
    Mixins.TimeLimit time = new Mixins.TimeLimit(30);

    @Option(names = "--executions", paramLabel = "N", description = "stop after N executions, 0 for no limit (default: ${DEFAULT-VALUE})")
    long executions = 0;

    @Option(names = "--no-step-checks", description = "do not check the model's invariants after every step (faster)")
    boolean noStepChecks;

    @Option(names = "--stop-on-warn", description = "end an execution at its first WARN (as panic_on_warn would; a reproducer recorded so always stops "
            + "there); by default a WARN is reported and the execution goes on, to show what follows, as the kernel does")
    boolean stopOnWarn;

    @CommandLine.Mixin
    Mixins.OutDir out;

    @CommandLine.Mixin
    Mixins.Report report;

    @CommandLine.Mixin
    Mixins.Minimize minimize;

    @Override
    public Integer call() throws IOException {
        var o = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        Target target = configuration.target();
        Config cfg = configuration.config();
        Explorer.Programs programs = Options.programs(program, strategy);
        double seconds = time.seconds();
        if (executions < 0) throw new BadInput("--executions must be 0 or more, got " + executions);
        long maxSteps = search.maxSteps();
        double minimizeTime = minimize.minimizeTime();
        out.check();
        report.check();
        long seed = search.seed;
        var settings = Explorer.Settings.of(target, cfg)
                .strategy(strategy.toString()).seed(seed).pctDepth(depth).preemptions(preemptions).programs(programs)
                .maxExecutions(executions).seconds(seconds).maxSteps(maxSteps).checkSteps(!noStepChecks)
                .program(Options.inlineProgram(program)).stopOnWarn(stopOnWarn);
        o.printf("lazymm explore: %s, strategy %s, seed %d, %s%n", cfg, strategy, seed,
                settings.program() != null ? "program " + settings.program()
                        : programs.name().toLowerCase(Locale.ROOT) + " programs");
        Explorer.Outcome r = Explorer.explore(settings, 5.0, line -> err.println("lazymm: " + line));

        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "explore");
        rep.put("variant", cfg.variant());
        rep.put("strategy", r.strategy());
        rep.put("seed", seed);
        rep.put("executions", r.executions());
        rep.put("seconds", r.seconds());
        rep.put("first_execution_seconds", r.firstExecutionNanos() == 0 ? null : Options.sinceJvmStart(r.firstExecutionNanos()));
        int code;
        if (r.failing() != null) {
            Violation viol = r.failing().violation();
            Map<String, Object> foundBy = new LinkedHashMap<>();
            foundBy.put("command", "explore");
            foundBy.put("strategy", r.strategy());
            foundBy.put("seed", seed);
            foundBy.put("execution", r.executions());
            Reproducer repro = new Reproducer(target.id(), target.modelVersion(), cfg, r.program(),
                    r.failing().schedule(), maxSteps, viol.kind(), viol.signature(), viol.getMessage(),
                    foundBy).withFindings(r.failing().findings(), stopOnWarn);
            Path file = out.dir.resolve(cfg.variant() + "." + viol.kind() + ".json");
            Path orig = out.dir.resolve(cfg.variant() + "." + viol.kind() + ".orig.json");
            // the finding as found, first: printed, written and reported before the minimization,
            // which an interrupt (Ctrl-C) or a time limit may cut short
            o.printf("VIOLATION %s after %,d executions (%.2f s)%n", viol.signature(),
                    r.executions(), r.seconds());
            o.printf("  %s%n", viol.getMessage());
            Options.printFindings(o, r.failing().findings(), viol);
            o.printf("  program:    %s%n", r.program());
            o.printf("  schedule:   %d choices, %d steps%n", r.failing().schedule().size(), r.failing().steps());
            rep.put("verdict", "violation");
            rep.put("violation", Options.violationJson(viol));
            rep.put("findings", Options.findingsJson(r.failing().findings()));
            boolean written = write(repro, file, o, err);
            if (written) {
                o.printf("  reproducer: %s%n", file);
                o.printf("  replay:     ./lazymm replay %s%n", file);
                rep.put("reproducer", file.toString());
            } else {
                rep.put("reproducer", null);
            }
            o.flush();
            if (minimize.noMinimize) {
                java.nio.file.Files.deleteIfExists(orig);
                report.write(rep);
            } else if (written) {
                write(repro, orig, o, err);
                rep.put("original", orig.toString());
                report.write(rep);
                try {
                    ReproducerMinimizer.Outcome min = ReproducerMinimizer.minimize(repro, minimizeTime);
                    if (write(min.minimized(), file, o, err)) {
                        o.printf("  minimized:  %s, %d choices, %d switches (as found: %s, %d choices, %d switches; %.2f s%s)%n",
                                min.minimized().program(), min.after().choices(), min.after().switches(),
                                r.program(), min.before().choices(), min.before().switches(), min.seconds(),
                                min.oneMinimal() ? "" : ", stopped at --minimize-time");
                        o.printf("  as found:   %s%n", orig);
                        rep.put("minimized", Map.of("before", min.before().toJson(), "after", min.after().toJson()));
                    }
                } catch (RuntimeException ex) {  // keep what was found; say why it is not minimized
                    err.println("lazymm: the reproducer could not be minimized (" + ex + "); it is written as found");
                }
                report.write(rep);
            } else {
                report.write(rep);
            }
            code = Main.VIOLATION;
        } else {
            if (r.exhausted()) {
                o.printf("no violation: the search is complete, %,d executions cover every schedule of "
                        + "this program with at most %d preemptions (%.2f s)%n", r.executions(),
                        preemptions, r.seconds());
            } else {
                o.printf("no violation in %,d executions (%.2f s, %,.0f exec/s)%n", r.executions(),
                        r.seconds(), r.executions() / Math.max(r.seconds(), 1e-9));
            }
            rep.put("verdict", "clean");
            rep.put("exhausted", r.exhausted());
            rep.put("violation", null);
            rep.put("reproducer", null);
            code = Main.OK;
            report.write(rep);
        }
        return report.exitCode(code);
    }

    /**
     * Writes a reproducer; when that fails (the disk full, the folder gone since the check), the
     * finding is not lost: one error line, and the reproducer itself on the output, to save by hand.
     */
    static boolean write(Reproducer repro, Path file, java.io.PrintWriter o, java.io.PrintWriter err) {
        try {
            repro.write(file);
            return true;
        } catch (IOException | RuntimeException e) {
            err.println("lazymm: error: cannot write the reproducer " + file + ": " + e
                    + "; it follows on the output: save it as a .json file to replay it");
            err.flush();
            o.println("  reproducer (not written):");
            o.print(lazymm.engine.io.Json.write(repro.toJson(file)));
            o.flush();
            return false;
        }
    }
}
