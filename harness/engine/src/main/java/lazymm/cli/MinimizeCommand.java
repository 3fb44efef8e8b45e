package lazymm.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import lazymm.engine.ReproducerMinimizer;
import lazymm.engine.io.Reproducer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "minimize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Shrinks a reproducer while it keeps its violation signature, until it is 1-minimal: "
                        + "no single task, operation, context switch, preemption, store-buffer drain, "
                        + "interrupt delivery or alternative can be removed and still give the signature. "
                        + "The original is left as it is; the result replays exactly with ./lazymm replay. "
                        + "Exits 1 (the violation is reproduced), 2 when the file is bad or does not replay "
                        + "to its signature.",
                "",
                "Example:  ./lazymm minimize fuzz-corpus/reproducers/HP-HOTPLUG.UseAfterFree.json --out hp.json",
                ""},
        footer = {"", "Exit codes: 1 the violation reproduced and minimized, 2 a bad file or one that does not replay to "
                + "its signature, " + Main.EXIT_INTERNAL})
final class MinimizeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "a reproducer")
    Path file;

    @Option(names = "--out", paramLabel = "FILE", description = "where the minimized reproducer goes (default: FILE with .min.json)")
    Path out;

    @CommandLine.Mixin
    Mixins.TimeLimit time = new Mixins.TimeLimit(0);

    @CommandLine.Mixin
    Mixins.Report report;

    @Override
    public Integer call() throws Exception {
        var o = spec.commandLine().getOut();
        double seconds = time.seconds();
        Path dest = out != null ? out : defaultOut(file);
        Options.checkWritable("--out", dest, false);
        report.check();
        Reproducer r = Reproducer.read(file);
        o.printf("lazymm minimize: %s%n  program:   %s%n", r.config(), r.program());
        ReproducerMinimizer.Outcome m = ReproducerMinimizer.minimize(r, seconds);
        if (!ExploreCommand.write(m.minimized(), dest, o, spec.commandLine().getErr())) {
            report.write(Map.of("command", "minimize", "reproducer", "(not written)", "original", file.toString()));
            return Main.VIOLATION;
        }
        print(o, m, dest);
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "minimize");
        rep.put("reproducer", dest.toString());
        rep.put("original", file.toString());
        rep.put("signature", r.signature());
        rep.put("before", m.before().toJson());
        rep.put("after", m.after().toJson());
        rep.put("candidates", (long) m.candidates());
        rep.put("one_minimal", m.oneMinimal());
        rep.put("seconds", m.seconds());
        report.write(rep);
        return report.exitCode(Main.VIOLATION);
    }

    static void print(java.io.PrintWriter o, ReproducerMinimizer.Outcome m, Path dest) {
        o.printf("  minimized: %s (%s)%n", m.minimized().program(), m.minimized().signature());
        o.printf("  before:    %s%n", m.before());
        o.printf("  after:     %s%n", m.after());
        o.printf("  %,d candidate runs, %.2f s%s%n", m.candidates(), m.seconds(),
                m.oneMinimal() ? ", 1-minimal" : ", stopped at the time limit: the smallest found so far, maybe not 1-minimal");
        o.printf("  reproducer: %s%n", dest);
        o.printf("  replay:     ./lazymm replay %s%n", dest);
    }

    /** X.json -> X.min.json, beside it. */
    static Path defaultOut(Path file) {
        String n = file.getFileName().toString();
        String base = n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
        return file.resolveSibling(base + ".min.json");
    }
}
