package lazymm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tool end to end, as a kernel developer runs it: the ./lazymm launcher (which finds
 * the JDK and adds the agent) over the jars this module gathered in target/lib.
 */
class LauncherTest {

    record Run(int code, String out, String err) {}

    @TempDir
    Path tmp;

    static Run lazymm(Path dir, String... args) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("lazymm.root"));
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("lazymm").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./lazymm " + String.join(" ", args) + " did not end in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void exploreFindsTheExampleBugAndReplayReproducesIt() throws Exception {
        Run r = lazymm(tmp, "explore", "--variant", "example-lost-update", "--report", "report.json");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("VIOLATION LostUpdate:counter_inc"), r.out());
        Path repro = tmp.resolve("lazymm-out/example-lost-update.LostUpdate.json");
        assertTrue(Files.exists(repro), "no reproducer at " + repro);
        String report = Files.readString(tmp.resolve("report.json"));
        for (String field : new String[] {"\"verdict\"", "\"kind\"", "\"signature\"", "\"reproducer\"",
                "\"executions\"", "\"seconds\""}) {
            assertTrue(report.contains(field), "report lacks " + field + ":\n" + report);
        }

        Run replay = lazymm(tmp, "replay", repro.toString());
        assertEquals(1, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().contains("VIOLATION LostUpdate:counter_inc"), replay.out());
        assertTrue(replay.out().contains("(the recorded signature)"), replay.out());
    }

    @Test
    void fuzzFindsAPositiveControlAndReplayReproducesIt() throws Exception {
        Run r = lazymm(tmp, "fuzz", "--variant", "HP-HOTPLUG", "--time", "60", "--report", "fuzz.json");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("VIOLATION UseAfterFree:"), r.out());
        String report = Files.readString(tmp.resolve("fuzz.json"));
        assertTrue(report.contains("\"verdict\": \"violation\""), report);
        Path repro;
        try (var s = Files.list(tmp.resolve("lazymm-out"))) {
            repro = s.filter(p -> p.getFileName().toString().startsWith("HP-HOTPLUG.UseAfterFree.")
                    && !p.getFileName().toString().endsWith(".orig.json")).findFirst().orElseThrow();
        }
        assertTrue(report.contains(repro.getFileName().toString()), report);
        // minimized by default, the one the worker wrote kept beside it
        assertTrue(r.out().contains("  minimized:  " + repro.getFileName()), r.out());
        assertTrue(Files.exists(repro.resolveSibling(repro.getFileName().toString().replace(".json", ".orig.json"))), r.out());
        assertTrue(report.contains("\"original\""), report);
        Run replay = lazymm(tmp, "replay", "--no-trace", repro.toString());
        assertEquals(1, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().contains("(the recorded signature)"), replay.out());
    }

    /**
     * A campaign killed with SIGKILL right after it reported a finding: the reproducer is whole and
     * replays, the workers end with it, and the next run resumes from the corpus it left.
     */
    @Test
    void aKilledCampaignLosesNoFindingAndResumes() throws Exception {
        Path root = Path.of(System.getProperty("lazymm.root"));
        ProcessBuilder pb = new ProcessBuilder(root.resolve("lazymm").toString(), "fuzz", "--variant", "HP-HOTPLUG",
                "--keep-going", "--time", "100").directory(tmp.toFile());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            // kill it once it has reported a finding and written some corpus of its own
            String line;
            boolean violation = false;
            boolean corpus = false;
            java.util.regex.Pattern progress = java.util.regex.Pattern.compile("corpus ([0-9,]+),");
            while (!(violation && corpus) && (line = in.readLine()) != null) {
                lines.add(line);
                violation |= line.startsWith("VIOLATION");
                java.util.regex.Matcher m = progress.matcher(line);
                corpus |= m.find() && !m.group(1).equals("0");
            }
            assertTrue(violation && corpus, String.join("\n", lines));
            List<ProcessHandle> workers = p.descendants().toList();
            p.destroyForcibly();  // SIGKILL: no shutdown hook runs
            p.waitFor(10, TimeUnit.SECONDS);
            long until = System.nanoTime() + 20_000_000_000L;
            while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < until) Thread.sleep(200);
            assertTrue(workers.stream().noneMatch(ProcessHandle::isAlive), "a worker outlived its campaign");
        }
        Path repro;
        try (var s = Files.list(tmp.resolve("lazymm-out"))) {
            repro = s.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Run replay = lazymm(tmp, "replay", "--no-trace", repro.toString());
        assertEquals(1, replay.code(), replay.out() + replay.err());
        long corpus;
        try (var s = Files.list(tmp.resolve("lazymm-out/corpus/kernel"))) {
            corpus = s.count();
        }
        assertTrue(corpus > 0, "no corpus left");
        Run again = lazymm(tmp, "fuzz", "--variant", "upstream", "--time", "5");
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("corpus lazymm-out/corpus/kernel (" + corpus + " inputs)"), again.out());
    }

    /**
     * A fuzz worker whose reproducer cannot be written (its path is taken by a folder): the finding
     * crosses to the command whole, as one message, and the command prints it; saved by hand, it
     * replays to its signature. No warm start, so that the worker finds it.
     */
    @Test
    void aWorkersUnwritableReproducerIsPrintedByTheCommandAndReplays() throws Exception {
        String signature = "LostUpdate:counter_inc";
        Path taken = tmp.resolve("lazymm-out/example-lost-update.LostUpdate."
                + String.format("%08x", signature.hashCode()) + ".json");
        Files.createDirectories(taken.resolve("in-the-way"));
        Run r = lazymm(tmp, "fuzz", "--variant", "example-lost-update", "--jobs", "1", "--no-warm-start",
                "--time", "60", "--report", "r.json");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("lazymm: error: worker 0 cannot write the reproducer " + tmp.relativize(taken)), r.err());
        String marker = "VIOLATION " + signature + " (worker 0, ";
        assertTrue(r.out().contains(marker), r.out());
        String rest = r.out().substring(r.out().indexOf(marker));
        String head = "  reproducer (not written):\n";
        assertTrue(rest.contains(head), r.out());
        rest = rest.substring(rest.indexOf(head) + head.length());
        Files.writeString(tmp.resolve("saved.json"), rest.substring(0, rest.indexOf('\n')));
        assertTrue(Files.isDirectory(taken), "the folder in the way was replaced");
        assertTrue(Files.readString(tmp.resolve("r.json")).contains("\"verdict\": \"violation\""));
        Run replay = lazymm(tmp, "replay", "--no-trace", "saved.json");
        assertEquals(1, replay.code(), replay.out() + replay.err());
        assertTrue(replay.out().contains("VIOLATION " + signature), replay.out());
        assertTrue(replay.out().contains("(the recorded signature)"), replay.out());
    }

    /**
     * Interrupted (SIGTERM, which runs the shutdown hooks as Ctrl-C's SIGINT does) while it
     * minimizes: the finding was printed, written and reported as found before the minimization.
     */
    @Test
    void exploreInterruptedWhileMinimizingHasPrintedAndWrittenTheFinding() throws Exception {
        Path root = Path.of(System.getProperty("lazymm.root"));
        Path out = tmp.resolve("stdout.txt");
        Process p = new ProcessBuilder(root.resolve("lazymm").toString(), "explore", "--variant", "HP-HOTPLUG",
                "--report", "r.json").directory(tmp.toFile()).redirectOutput(out.toFile())
                .redirectError(tmp.resolve("stderr.txt").toFile()).start();
        Path orig = tmp.resolve("lazymm-out/HP-HOTPLUG.UseAfterFree.orig.json");
        long until = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(orig) && p.isAlive() && System.nanoTime() < until) Thread.sleep(20);
        assertTrue(Files.exists(orig), "no reproducer as found: " + Files.readString(out));
        p.destroy();  // while it minimizes (about 2 s)
        p.waitFor(20, TimeUnit.SECONDS);
        String o = Files.readString(out);
        assertTrue(o.contains("VIOLATION UseAfterFree:"), o);
        assertTrue(o.contains("  reproducer: lazymm-out/HP-HOTPLUG.UseAfterFree.json"), o);
        assertTrue(Files.readString(tmp.resolve("r.json")).contains("\"verdict\": \"violation\""));
        Run replay = lazymm(tmp, "replay", "--no-trace", "lazymm-out/HP-HOTPLUG.UseAfterFree.json");
        assertEquals(1, replay.code(), replay.out() + replay.err());
    }

    /** A campaign interrupted before any finding: its report says so, not "running". */
    @Test
    void anInterruptedCampaignsReportHasAFinalVerdict() throws Exception {
        Path root = Path.of(System.getProperty("lazymm.root"));
        Process p = new ProcessBuilder(root.resolve("lazymm").toString(), "fuzz", "--variant", "upstream", "--time", "100",
                "--report", "r.json").directory(tmp.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {  // the first progress line: the workers are fuzzing
                lines.add(line);
                if (line.startsWith("[")) break;
            }
            assertTrue(Files.readString(tmp.resolve("r.json")).contains("\"verdict\": \"running\""), String.join("\n", lines));
            p.destroy();  // SIGTERM: the shutdown hooks run, as on Ctrl-C
            p.waitFor(20, TimeUnit.SECONDS);
        }
        String report = Files.readString(tmp.resolve("r.json"));
        assertTrue(report.contains("\"verdict\": \"interrupted\""), report);
        assertTrue(report.contains("\"interrupted\": true"), report);
    }

    /**
     * fuzz --jobs 2: the second worker starts after the first has reported its statistics (its
     * JVM and Jazzer are up: seconds, where an unstaggered start takes milliseconds), and before
     * the fallback that starts it 20 s after the command's start when no statistics reach the
     * command (--time 25 leaves the fallback room to act); the second, stopped by the command when
     * the first ends at the time limit, is no error.
     */
    @Test
    void twoWorkersStartStaggeredAndEndCleanWhenStopped() throws Exception {
        Path root = Path.of(System.getProperty("lazymm.root"));
        ProcessBuilder pb = new ProcessBuilder(root.resolve("lazymm").toString(), "fuzz", "--variant", "upstream", "--jobs", "2",
                "--no-seeds", "--time", "25", "--report", "r.json").directory(tmp.toFile())
                .redirectOutput(tmp.resolve("stdout.txt").toFile()).redirectError(tmp.resolve("stderr.txt").toFile());
        // the fallback (start the others after 20 s even if worker 0 never reports) out of the
        // way: worker 1 starts only if worker 0's first statistics reach the command
        pb.environment().put("LAZYMM_JAVA_OPTS", "-Dlazymm.fuzz.restAfterSeconds=3600");
        Process p = pb.start();
        Path logs = tmp.resolve("lazymm-out/logs");
        long first = 0;
        long second = 0;
        long until = System.nanoTime() + 90_000_000_000L;
        while (second == 0 && p.isAlive() && System.nanoTime() < until) {
            long now = System.nanoTime();
            if (first == 0 && Files.exists(logs.resolve("worker-0.log"))) first = now;
            if (Files.exists(logs.resolve("worker-1.log"))) second = now;
            Thread.sleep(10);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fuzz --jobs 2 --time 25 did not end");
        String out = Files.readString(tmp.resolve("stdout.txt"));
        String err = Files.readString(tmp.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), out + err);
        assertTrue(first > 0, "worker 0's log: " + out + err);
        assertTrue(second > 0, "worker 1 never started: worker 0's first statistics did not reach the command " + out + err);
        assertTrue(second - first > 500_000_000L, "worker 1 started " + (second - first) / 1e6 + " ms after worker 0: not staggered");
        assertTrue(out.contains("no violation in "), out);
        assertTrue(Files.readString(logs.resolve("worker-0.log")).contains("@lazymm stats "), "worker 0 did not fuzz");
        // worker 1 was started (its log is made then); what it printed may not reach the log when
        // the command stops it: its log is flushed by a daemon thread
        String report = Files.readString(tmp.resolve("r.json"));
        assertTrue(report.contains("\"jobs\": 2") && report.contains("\"verdict\": \"clean\""), report);
    }

    @Test
    void theMainJobRunsOnItsDefaults() throws Exception {
        Run r = lazymm(tmp, "explore", "--time", "5");
        assertTrue(r.code() == 0 || r.code() == 1, r.out() + r.err());
        assertTrue(r.out().startsWith("lazymm explore: "), r.out());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Run r = lazymm(tmp, "explore", "--variant", "no-such-variant");
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("lazymm: error: unknown variant 'no-such-variant' (see ./lazymm list)", r.err().strip());
    }

    @Test
    void helpTeachesTheCommands() throws Exception {
        Run r = lazymm(tmp, "--help");
        assertEquals(0, r.code(), r.err());
        for (String c : new String[] {"explore", "replay", "list", "bench"}) {
            assertTrue(r.out().contains(c), "help lacks " + c + ":\n" + r.out());
        }
    }
}
