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
