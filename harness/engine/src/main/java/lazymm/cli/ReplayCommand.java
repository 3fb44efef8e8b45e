package lazymm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import lazymm.engine.Replayer;
import lazymm.engine.Result;
import lazymm.engine.io.Reproducer;
import lazymm.engine.trace.TraceHtml;
import lazymm.engine.trace.TraceView;
import lazymm.model.sim.Violation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Re-runs a reproducer exactly: the same configuration, program and schedule give the "
                        + "same execution, step for step. Prints the trace and the violation; exits 1 "
                        + "when a violation is reproduced, 0 when the execution now ends clean (the bug "
                        + "is fixed in the model), 2 when the file is bad or the schedule no longer fits "
                        + "the model (it says at which step).",
                "",
                "Example:  ./lazymm replay lazymm-out/example-refcount-drop.DoubleFree.json",
                ""},
        footer = {"", "Exit codes: 0 the execution ends clean, 1 a violation reproduced (the verdict line says whether it "
                + "is the recorded signature), 2 a bad file or a schedule that no longer fits, " + Main.EXIT_INTERNAL})
final class ReplayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a reproducer written by explore")
    Path file;

    @Option(names = "--no-trace", description = "print only the verdict, not the trace")
    boolean noTrace;

    @Option(names = "--full", description = "the full trace: every event, with its source line (default: the short "
            + "trace, the events that lead to the violation)")
    boolean full;

    @Option(names = "--html", paramLabel = "OUT.html", description = "also write the trace as one self-contained HTML page: "
            + "a lane per CPU, time going down, the violation highlighted, every event in full on hover or click")
    Path html;

    @Option(names = "--stop-on-warn", description = "end an execution at its first WARN (as panic_on_warn would; a reproducer recorded so always stops "
            + "there); by default a WARN is reported and the execution goes on, to show what follows, as the kernel does")
    boolean stopOnWarn;

    @Option(names = "--rerecord", paramLabel = "OUT.json", description = "write the reproducer recorded again under this "
            + "model: the recorded schedule followed as far as it fits, then the default choice (for a reproducer whose "
            + "execution the model now continues past its old end, e.g. after a WARN)")
    Path rerecord;

    @CommandLine.Mixin
    Mixins.Report report;

    @Override
    public Integer call() throws Exception {
        var o = spec.commandLine().getOut();
        if (html != null) Options.checkWritable("--html", html, false);
        report.check();
        Reproducer r = Reproducer.read(file);
        if (rerecord != null) {
            Reproducer n = Replayer.rerecord(r);
            if (n == null) {
                o.printf("the execution now ends clean: nothing written%n");
                return Main.OK;
            }
            n.write(rerecord);
            o.printf("rerecorded %s (was %s) in %s%n", n.signature(), r.signature(), rerecord);
            r = Reproducer.read(rerecord);
        }
        if (stopOnWarn && !r.stopOnWarn()) {
            r = new Reproducer(r.target(), r.modelVersion(), r.config(), r.program(), r.schedule(), r.maxSteps(),
                    r.kind(), r.signature(), r.message(), r.foundBy(), r.findings(), true);
        }
        long t0 = System.nanoTime();
        Result res = Replayer.replay(r, !noTrace || html != null);
        double secs = (System.nanoTime() - t0) / 1e9;
        o.printf("lazymm replay: %s%n  program: %s%n", r.config(), r.program());
        if (!noTrace) {
            o.println(full ? "  trace (every event):"
                    : "  trace (the events that lead to the violation: accesses to the objects it names, switches, "
                    + "interrupts; --full for all):");
            for (String line : TraceView.render(res.events(), r.config().cpus(), res.violation(), full)) {
                o.println("  " + line);
            }
        }
        boolean htmlFailed = false;
        if (html != null) {
            try {
                Path parent = html.toAbsolutePath().getParent();
                if (parent != null) java.nio.file.Files.createDirectories(parent);
                java.nio.file.Files.writeString(html, TraceHtml.render(file.getFileName() + ": " + r.config(),
                        r.program().toString(), res.events(), r.config().cpus(), res.violation()));
                o.printf("  html: %s%n", html);
            } catch (java.io.IOException e) {  // the verdict below still comes, with its exit code
                spec.commandLine().getErr().println("lazymm: error: cannot write the HTML trace " + html + ": " + e);
                htmlFailed = true;
            }
        }
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "replay");
        rep.put("reproducer", file.toString());
        rep.put("executions", 1L);
        rep.put("seconds", secs);
        rep.put("recorded_signature", r.signature());
        int code;
        Violation v = res.violation();
        if (v != null) {
            boolean same = v.signature().equals(r.signature());
            o.printf("VIOLATION %s after %d steps%s%n  %s%n", v.signature(), res.steps(),
                    same ? " (the recorded signature)" : " (NOT the recorded signature, which is " + r.signature() + ")",
                    v.getMessage());
            Options.printFindings(o, res.findings(), v);
            rep.put("verdict", "violation");
            rep.put("findings", Options.findingsJson(res.findings()));
            Map<String, Object> vj = Options.violationJson(v);
            vj.put("same_as_recorded", same);
            rep.put("violation", vj);
            code = Main.VIOLATION;
        } else {
            o.printf("no violation: the execution ended clean after %d steps (the recorded signature %s did not reproduce)%n",
                    res.steps(), r.signature());
            rep.put("verdict", "clean");
            rep.put("violation", null);
            code = Main.OK;
        }
        report.write(rep);
        return report.exitCode(htmlFailed && code == Main.OK ? Main.USAGE : code);
    }
}
