package lazymm.model.kernel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Lincheck against lazymm's explorer on the Broken twins, in one run (issue 9): for each twin,
 * Lincheck's model checker with the settings of the twin's test (time to the rejection, test
 * instances built per second: one per invocation), then {@code ./lazymm explore} on the same
 * variant (time to the violation and executions per second, as the explorer reports them), in a
 * JVM of its own with the yield-point agent, which this module's JVM must not have.
 *
 * <p>Not part of the default run. Build the tool first, then run this class alone:
 * <pre>
 * mvn -q -B -o package -DskipTests
 * mvn -q -B -o verify -pl harness/lincheck -am -Dlincheck.bench=true \
 *     -Dtest=LincheckVsExplorerBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * The explorer runs its own workload: random programs (its default), memory sc as Lincheck's
 * (Lincheck explores sequentially consistent executions only), seed 1, no minimization. Its time
 * is the explorer's own (from its first execution), Lincheck's is the check's, after a warm-up
 * check that pays for the instrumentation of the model's classes.
 */
@EnabledIfSystemProperty(named = "lincheck.bench", matches = "true")
class LincheckVsExplorerBenchmark {

    /** One Broken twin: its Lincheck check, and the explorer's command-line arguments for its variant. */
    private record Twin(String name, String variant, Class<?> broken, Supplier<ModelCheckingOptions> lincheck,
                        String lincheckWorkload, List<String> explore, String correct) {}

    private static final List<Twin> TWINS = List.of(
            new Twin("hazard (HazardLazyMmLincheckTest)", "HP-CPUMASK", HazardLazyMmLincheckTest.Broken.class,
                    HazardLazyMmLincheckTest::brokenTwinOptions, "random scenarios",
                    List.of("--variant", "HP-CPUMASK", "--strategy", "random"), "hazard-arm64"),
            new Twin("x86 flush (X86FlushLincheckTest)", "X86-SWITCH-ORDER", X86FlushLincheckTest.Broken.class,
                    X86FlushLincheckTest::brokenTwinOptions, "its program",
                    List.of("--variant", "X86-SWITCH-ORDER", "--strategy", "pct"), "upstream"),
            new Twin("mm lifecycle (MmLifecycleLincheckTest)", "HP-CPUMASK", MmLifecycleLincheckTest.Broken.class,
                    MmLifecycleLincheckTest::brokenTwinOptions, "random scenarios",
                    List.of("--variant", "HP-CPUMASK", "--strategy", "random"), "hazard-arm64"),
            new Twin("mm lifecycle, 2nd twin (MmLifecycleLincheckTest)", "HP-X86-TRIM", MmLifecycleLincheckTest.BrokenTrim.class,
                    MmLifecycleLincheckTest::trimTwinOptions, "its program",
                    List.of("--variant", "HP-X86-TRIM", "--strategy", "random"), "hazard"),
            new Twin("s390 fragments (S390PgallocLincheckTest)", "S390-FRAG-RACE", S390PgallocLincheckTest.FragRace.class,
                    S390PgallocLincheckTest::fragRaceOptions, "its program",
                    List.of("--variant", "S390-FRAG-RACE", "--strategy", "random"), "s390-frag"),
            new Twin("s390 fragments, 2nd twin (S390PgallocLincheckTest)", "S390-ALLOC-P", S390PgallocLincheckTest.AllocP.class,
                    S390PgallocLincheckTest::allocPOptions, "its program",
                    List.of("--variant", "S390-ALLOC-P", "--strategy", "random"), "s390-frag"),
            new Twin("lazy MMU (LazyMmuLincheckTest)", "LAZYMMU-PREEMPT", LazyMmuLincheckTest.Preempt.class,
                    LazyMmuLincheckTest::preemptOptions, "random scenarios",
                    List.of("--variant", "LAZYMMU-PREEMPT", "--strategy", "random"), "lazymmu"),
            new Twin("lazy MMU, 2nd twin (LazyMmuLincheckTest)", "LAZYMMU-NEST", LazyMmuLincheckTest.Nest.class,
                    LazyMmuLincheckTest::nestOptions, "its program",
                    List.of("--variant", "LAZYMMU-NEST", "--strategy", "random"), "lazymmu-arm64"));

    private static final Pattern FOUND = Pattern.compile("VIOLATION (.+?) after ([\\d,]+) executions \\(([\\d.]+) s\\)");
    private static final Pattern CLEAN = Pattern.compile("no violation in ([\\d,]+) executions \\(([\\d.]+) s");

    @Test
    void lincheckAgainstTheExplorer() throws Exception {
        Path root = repositoryRoot();
        Path lib = root.resolve("src/target/lib");
        if (!Files.isRegularFile(lib.resolve("lazymm-engine.jar"))) {
            fail("no build of the tool in " + lib + ": run `mvn -q -B -o package -DskipTests` first");
        }
        // warm-up: Lincheck instruments the model's classes at its first check
        LincheckKernel.options(HazardLazyMmLincheckTest.Spec.class, 1, 20).check(HazardLazyMmLincheckTest.class);

        List<String> rows = new ArrayList<>();
        for (Twin t : TWINS) {
            long built0 = LincheckKernel.BUILT.get();
            long t0 = System.nanoTime();
            String violation = null;
            try {
                t.lincheck().get().minimizeFailedScenario(false).check(t.broken());
            } catch (LincheckAssertionError e) {
                violation = LincheckKernel.violation(e);
            }
            double lSecs = (System.nanoTime() - t0) / 1e9;
            long invocations = LincheckKernel.BUILT.get() - built0;
            assertNotNull(violation, "Lincheck did not reject " + t.name());

            List<String> cmd = new ArrayList<>(List.of(root.resolve("lazymm").toString(), "explore"));
            cmd.addAll(t.explore());
            cmd.addAll(List.of("--memory", "sc", "--seed", "1", "--no-minimize", "--time", "60",
                    "--out", root.resolve("harness/lincheck/target/bench-out").toString()));
            String out = run(withEnv(new ProcessBuilder(cmd).redirectErrorStream(true), lib));
            Matcher m = FOUND.matcher(out);
            String eKind;
            long execs;
            double eSecs;
            if (m.find()) {
                eKind = m.group(1);
                execs = Long.parseLong(m.group(2).replace(",", ""));
                eSecs = Double.parseDouble(m.group(3));
            } else {
                Matcher c = CLEAN.matcher(out);
                assertTrue(c.find(), "unexpected output of " + String.join(" ", cmd) + ":\n" + out);
                eKind = "none in 60 s";
                execs = Long.parseLong(c.group(1).replace(",", ""));
                eSecs = Double.parseDouble(c.group(2));
            }
            // the explorer's rate over more than a few executions: 5 s of the same strategy on the
            // variant's correct sibling (same arch and scheme), which runs to the time limit
            List<String> rate = new ArrayList<>(cmd);
            rate.set(rate.indexOf(t.variant()), t.correct());
            rate.set(rate.indexOf("60"), "5");
            String rateOut = run(withEnv(new ProcessBuilder(rate).redirectErrorStream(true), lib));
            Matcher rc = CLEAN.matcher(rateOut);
            assertTrue(rc.find(), "unexpected output of " + String.join(" ", rate) + ":\n" + rateOut);
            long rExecs = Long.parseLong(rc.group(1).replace(",", ""));
            double rSecs = Double.parseDouble(rc.group(2));
            rows.add(String.format(Locale.ROOT, "| %s | %s | %s: %.1f s, %,d invocations, %,.0f inv/s | %s | %s, %s: %.2f s, %,d executions | %s: %,.0f exec/s |",
                    t.name(), t.variant(), t.lincheckWorkload(), lSecs, invocations, invocations / lSecs,
                    violation.replaceFirst("#\\d+: (lazymm\\.model\\.sim\\.Violation: )?", "").lines().findFirst().orElse("")
                            .replaceAll("(.{70}).+", "$1..."),
                    t.explore().get(3), eKind, eSecs, execs, t.correct(), rExecs / Math.max(rSecs, 1e-9)));
            System.out.println("explore: " + String.join(" ", cmd.subList(1, cmd.size())) + "\n" + out.lines().limit(3)
                    .reduce("", (a, b) -> a + "  " + b + "\n"));
        }
        System.out.println("\n| Broken twin | variant | Lincheck (model checking, sc) | Lincheck's report | lazymm explore to the violation (random programs, sc, seed 1) | explore's rate (5 s, correct sibling) |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** The launcher on the built tool, never building. */
    private static ProcessBuilder withEnv(ProcessBuilder pb, Path lib) {
        pb.environment().put("LAZYMM_NO_BUILD", "1");
        pb.environment().put("LAZYMM_LIB", lib.toString());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return pb;
    }

    private static String run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) sb.append(l).append('\n');
        }
        p.waitFor();
        return sb.toString();
    }

    /** The worktree's root: the nearest folder above the module's that has the launcher. */
    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("lazymm")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
        }
        throw new IllegalStateException("no lazymm launcher above " + Path.of("").toAbsolutePath());
    }
}
