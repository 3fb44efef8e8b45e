package lazymm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import lazymm.engine.BadInput;
import lazymm.engine.io.TextFile;
import lazymm.engine.litmus.LitmusRunner;
import lazymm.model.litmus.LitmusError;
import lazymm.model.litmus.LitmusParser;
import lazymm.model.litmus.LitmusTest;
import lazymm.model.mem.Memory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lazymm litmus}: runs LKMM C litmus tests on the simulated memory, exhaustively, and
 * prints what herd7 prints (the final states, now with counts, the Ok/No validation and the
 * Observation line). A file whose {@code Result:} comment says Never (the kernel's tests state
 * herd7's LKMM verdict so) but whose outcome a mode produces gets a warning: that mode's
 * primitives are broken. A file that cannot be parsed gets one error line; the others still run.
 */
@Command(name = "litmus", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs kernel (LKMM C) litmus tests on lazymm's simulated memory: every interleaving and "
                        + "every store each load may read, under the chosen memory mode(s). Prints each "
                        + "test's final states with counts, Ok/No, and herd7's Observation line "
                        + "(Never, Sometimes or Always, with the positive and negative counts).",
                "A Result: in a (* ... *) comment is herd7's LKMM verdict; when it is Never but a mode "
                        + "reaches the outcome, a WARNING says so (a broken primitive). Counts are "
                        + "executions of a search with state caching, not herd7's candidate executions.",
                "",
                "Examples:",
                "  ./lazymm litmus harness/engine/src/test/resources/litmus/shared/SB+poonceonces.litmus",
                "  ./lazymm litmus --model all --report litmus.json tests/*.litmus",
                ""},
        footer = {"", "Exit codes: 0 every file ran, 2 bad usage or a file that cannot be parsed or run "
                + "(one error line each; the other files still run), " + Main.EXIT_INTERNAL})
final class LitmusCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "MODE",
            description = "the memory mode: sc, tso, weak, or all (the three in turn); default: ${DEFAULT-VALUE}")
    String model = "weak";

    @Option(names = "--time", paramLabel = "SECONDS",
            description = "stop each test's search (per mode) after this many seconds; its states are then those "
                    + "reached so far and the output says it is incomplete; default: no limit")
    double time = 0;

    @Option(names = "--quiet", description = "no progress lines on stderr (one every "
            + "5 s of a long search by default)")
    boolean quiet;

    @CommandLine.Mixin
    Mixins.Report report;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "litmus files (.litmus)")
    List<Path> files;

    /** The largest litmus file read (the kernel's are a few KiB). */
    static final long MAX_BYTES = 1L << 20;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> modes;
        if (model.equals("all")) {
            modes = Memory.MODES;
        } else if (Memory.MODES.contains(model)) {
            modes = List.of(model);
        } else {
            throw new BadInput("unknown --model '" + model + "' (expected sc, tso, weak or all)");
        }
        if (time < 0 || Double.isNaN(time)) throw new BadInput("--time must be >= 0, not " + time);
        report.check();
        List<Object> results = new ArrayList<>();
        List<Object> errors = new ArrayList<>();
        for (Path f : files) {
            LitmusTest test;
            try {
                test = LitmusParser.parse(f.toString(), TextFile.read(f, MAX_BYTES, "a litmus test"));
            } catch (LitmusError | BadInput e) {
                err.println("lazymm: error: " + e.getMessage());
                errors.add(e.getMessage());
                continue;
            }
            for (String mode : modes) {
                LitmusRunner.Outcome r;
                try {
                    String name = test.name();
                    String m = mode;
                    r = LitmusRunner.run(test, mode, time, quiet ? null : p -> {
                        err.printf(Locale.ROOT, "lazymm: litmus %s (%s): %.0f s, %d executions, %d pruned, %d states cached%n",
                                name, m, p.seconds(), p.executions(), p.pruned(), p.statesCached());
                        err.flush();
                    });
                } catch (LitmusError e) {
                    err.println("lazymm: error: " + e.getMessage() + " (in " + mode + ")");
                    errors.add(e.getMessage() + " (in " + mode + ")");
                    break;
                }
                print(o, f, r);
                results.add(json(f, r));
            }
        }
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("command", "litmus");
        rep.put("results", results);
        rep.put("errors", errors);
        report.write(rep);
        return report.exitCode(errors.isEmpty() ? Main.OK : Main.USAGE);
    }

    /** herd7's layout, with litmus7's count column ({@code *>} marks the states where P holds). */
    private static void print(PrintWriter o, Path f, LitmusRunner.Outcome r) {
        LitmusTest t = r.test();
        o.printf("Test %s %s (model %s, %s)%n", t.name(), LitmusRunner.kind(t.quantifier()), r.model(), f);
        o.printf("States %d%n", r.states().size());
        for (LitmusRunner.StateCount s : r.states()) {
            o.printf("%-8d%s%s%n", s.count(), s.satisfies() ? "*>" : ":>", s.state());
        }
        o.println(r.validation());
        o.printf("Witnesses%nPositive: %d Negative: %d%n", r.positive(), r.negative());
        o.printf("Condition %s%n", t.conditionText());
        o.printf("Observation %s %s %d %d%n", t.name(), r.verdict(), r.positive(), r.negative());
        o.printf(Locale.ROOT, "Time %s %.2f (%d executions, %d pruned, %d deadlocked%s)%n", t.name(), r.seconds(),
                r.executions(), r.pruned(), r.deadlocked(), r.filtered() > 0 ? ", " + r.filtered() + " filtered" : "");
        if (!r.complete()) {
            o.printf("INCOMPLETE: %s: stopped at the --time limit; the states above are those reached so far%n", t.name());
        }
        if (r.forbiddenReached()) {
            o.printf("WARNING: %s: the file's Result (LKMM) is Never, but %s gives %s: a forbidden outcome "
                    + "was reached, so a primitive of the %s mode is broken%n", t.name(), r.model(), r.verdict(), r.model());
        }
        o.println();
    }

    private static Map<String, Object> json(Path f, LitmusRunner.Outcome r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", f.toString());
        m.put("name", r.test().name());
        m.put("model", r.model());
        m.put("verdict", r.verdict());
        m.put("validation", r.validation());
        m.put("lkmm", r.test().result());
        List<Object> states = new ArrayList<>();
        for (LitmusRunner.StateCount s : r.states()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("state", s.state());
            sm.put("count", s.count());
            states.add(sm);
        }
        m.put("states", states);
        m.put("executions", r.executions());
        m.put("pruned", r.pruned());
        m.put("seconds", r.seconds());
        m.put("complete", r.complete());
        return m;
    }
}
