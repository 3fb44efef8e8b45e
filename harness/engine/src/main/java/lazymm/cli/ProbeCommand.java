package lazymm.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lazymm.engine.BadInput;
import lazymm.probe.Probe;
import lazymm.probe.ProbeRunner;
import lazymm.probe.Probes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lazymm probe ID}: shows a finding of the model on the kernel this machine runs. Builds the
 * probe's C program with cc, runs it, and decides from its counts (the rule is the probe's, in
 * Java, unit tested on recorded outputs).
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs a probe on the real kernel of this machine: a small C program (built here with cc -O2 -pthread) "
                        + "that triggers a finding of the model from user space and measures its effect, with a control "
                        + "that differs in one step. It prints the kernel version (uname), the measurement of every trial "
                        + "and a verdict.",
                "",
                "GLOBAL-STALE-STATE measures function-call IPIs: process A registers MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED "
                        + "and spins a thread T2 on a target CPU; process B, on another CPU, calls "
                        + "MEMBARRIER_CMD_GLOBAL_EXPEDITED in bursts and counts, in /proc/interrupts, the IPIs the target CPU "
                        + "received during each burst. A thread T1 of A preempts T2 there (SCHED_FIFO 20 over 10) and exits "
                        + "(the bug's path: exit_mm() clears rq->membarrier_state and the switch to T2, same mm, does not set "
                        + "it again), or, in the control, blocks. One burst before T1, one after.",
                "",
                "Verdict: evidence when, with a clean control, the burst after T1 exited reached the target CPU with "
                        + "fewer than half its calls in more than half the trials. The control is clean when every burst "
                        + "before T1, and every burst after T1 blocked, counted at least one IPI per call, and T2 ran during "
                        + "every burst; otherwise the run is inconclusive. No evidence when every burst after T1 exited "
                        + "reached the CPU with every call; anything in between is inconclusive.",
                "",
                "It needs Linux, cc, 2 CPUs, SCHED_FIFO (root or CAP_SYS_NICE) and membarrier. Each trial keeps the target "
                        + "CPU busy at real-time priority for a few milliseconds: run it on a machine you may disturb.",
                "",
                "Examples:",
                "  ./lazymm probe --list",
                "  ./lazymm probe GLOBAL-STALE-STATE",
                "  ./lazymm probe GLOBAL-STALE-STATE --trials 5 --calls 500 --report probe.json",
                ""},
        footer = {"", "Exit codes: 0 no evidence (the kernel behaves as documented), 1 the finding's evidence shown with the "
                + "control clean, 2 bad usage or input (an unknown ID), "
                + "4 cannot run here (one line says why), 5 inconclusive (the control was dirty, or the trials disagree), "
                + Main.EXIT_INTERNAL})
final class ProbeCommand implements Callable<Integer> {

    static final int CANNOT_RUN = 4;
    static final int INCONCLUSIVE = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "the probe to run (./lazymm probe --list)")
    String id;

    @Option(names = "--list", description = "list the probes and exit")
    boolean list;

    @Option(names = "--trials", paramLabel = "N", description = "trials of each mode (default: ${DEFAULT-VALUE})")
    int trials = 20;

    @Option(names = "--calls", paramLabel = "N", description = "membarrier calls per burst (default: ${DEFAULT-VALUE})")
    int calls = 200;

    @Option(names = "--raw", description = "also print the C program's own output lines")
    boolean raw;

    @CommandLine.Mixin
    Mixins.Report report;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (list) {
            for (Probe p : Probes.all()) out.printf("  %-22s %s%n", p.id(), p.summary());
            out.flush();
            return Main.OK;
        }
        if (id == null) throw new BadInput("which probe? give its ID (./lazymm probe --list lists them)");
        Probe p = Probes.find(id).orElseThrow(() -> new BadInput("unknown probe '" + id + "' (expected one of "
                + String.join(", ", Probes.ids()) + ", see ./lazymm probe --list)"));
        if (trials < 1 || trials > 1000) throw new BadInput("--trials must be 1..1000, got " + trials);
        if (calls < 10 || calls > 100_000) throw new BadInput("--calls must be 10..100000, got " + calls);
        Probe.Settings s = new Probe.Settings(trials, calls);

        out.printf("lazymm probe %s: %s%n", p.id(), p.summary());
        out.flush();
        ProbeRunner.Outcome o = ProbeRunner.run(p, p.args(s));
        if (raw) o.lines().forEach(l -> out.println("  | " + l));
        if (o.cannotRun() != null) {
            err.println("lazymm probe: cannot run here: " + o.cannotRun());
            writeReport(p, "cannot_run", o.cannotRun(), Map.of());
            return CANNOT_RUN;
        }
        Probe.Verdict v;
        try {
            v = p.analyze(o.lines(), s, out);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the probe program's output does not parse: " + e.getMessage(), e);
        }
        String word = v.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        out.printf("VERDICT %s: %s%n", word, v.reason());
        out.flush();
        writeReport(p, v.kind().name().toLowerCase(Locale.ROOT), v.reason(), v.details());
        return switch (v.kind()) {
            case EVIDENCE -> Main.VIOLATION;
            case NO_EVIDENCE -> Main.OK;
            case INCONCLUSIVE -> INCONCLUSIVE;
        };
    }

    private void writeReport(Probe p, String verdict, String reason, Map<String, Object> details) throws java.io.IOException {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "probe");
        rep.put("probe", p.id());
        rep.put("verdict", verdict);
        rep.put("reason", reason);
        rep.putAll(details);
        report.write(rep);
    }
}
