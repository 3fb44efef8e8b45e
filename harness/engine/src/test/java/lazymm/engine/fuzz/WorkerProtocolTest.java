package lazymm.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The fuzz supervisor's and workers' protocol: what one side writes, the other reads back whole. */
class WorkerProtocolTest {

    /** -Dlazymm.fuzz.k=v arguments as the worker's JVM would see them as properties. */
    private static Map<String, String> properties(List<String> jvmArgs) {
        Map<String, String> p = new HashMap<>();
        for (String a : jvmArgs) {
            assertTrue(a.startsWith("-D" + WorkerProtocol.PROPERTY), a);
            int eq = a.indexOf('=');
            p.put(a.substring(2 + WorkerProtocol.PROPERTY.length(), eq), a.substring(eq + 1));
        }
        return p;
    }

    @Test
    void aWorkerConfigRoundTripsEveryField() {
        for (WorkerProtocol.Feedback fb : WorkerProtocol.Feedback.values()) {
            var c = new WorkerProtocol.WorkerConfig("HP-HOTPLUG", "arm64", "weak", 2, 4, 12_345,
                    Path.of("some dir/out"), true, fb, 3, true, 77, 42L, 2);
            assertEquals(c, WorkerProtocol.WorkerConfig.read(properties(c.jvmArgs())::get));
        }
        var defaults = WorkerProtocol.WorkerConfig.of("upstream");
        assertEquals(defaults, WorkerProtocol.WorkerConfig.read(properties(defaults.jvmArgs())::get));
    }

    @Test
    void absentPropertiesTakeTheirDefaults() {
        // ClusterFuzzLite's build.sh sets only these two
        var c = WorkerProtocol.WorkerConfig.read(Map.of("variant", "hazard", "out", "/tmp/x")::get);
        assertEquals(new WorkerProtocol.WorkerConfig("hazard", null, null, null, null,
                lazymm.engine.Execution.DEFAULT_STEP_BOUND, Path.of("/tmp/x"), false, WorkerProtocol.Feedback.CONFLICTS,
                0, false, WorkerProtocol.WorkerConfig.DEFAULT_MINIMIZE_RUNS, 1, WorkerProtocol.WorkerConfig.DEFAULT_GENERATE), c);
        assertEquals("upstream", WorkerProtocol.WorkerConfig.read(k -> null).variant());
    }

    @Test
    void aBadPropertyIsAClearError() {
        var e = assertThrows(WorkerProtocol.MalformedException.class,
                () -> WorkerProtocol.WorkerConfig.read(Map.of("maxCpus", "four")::get));
        assertEquals("malformed fuzz worker property lazymm.fuzz.maxCpus (an integer): 'four'", e.getMessage());
        e = assertThrows(WorkerProtocol.MalformedException.class,
                () -> WorkerProtocol.WorkerConfig.read(Map.of("feedback", "pairs")::get));
        assertTrue(e.getMessage().contains("lazymm.fuzz.feedback"), e.getMessage());
        e = assertThrows(WorkerProtocol.MalformedException.class,
                () -> WorkerProtocol.WorkerConfig.read(Map.of("keepGoing", "yes")::get));
        assertTrue(e.getMessage().contains("(true or false): 'yes'"), e.getMessage());
    }

    @Test
    void messagesRoundTrip() {
        List<WorkerProtocol.Message> all = List.of(
                new WorkerProtocol.Stats(123_456, 789, 2),
                new WorkerProtocol.Finding("UseAfterFree:mm_struct in __mmdrop", Path.of("out dir/upstream.UseAfterFree.0badf00d.json")),
                new WorkerProtocol.Minimized(Path.of("out/upstream.UseAfterFree.0badf00d.json"), 812, 37),
                new WorkerProtocol.ErrorMessage("cannot write the finding X: No space left on device"),
                new WorkerProtocol.Unwritten("UseAfterFree:__mmdrop", Path.of("out/upstream.UseAfterFree.0badf00d.json"),
                        "java.nio.file.FileSystemException: No space left on device", "{  \"a\": [\"b\", \"c\\td\"]}"));
        for (WorkerProtocol.Message m : all) {
            assertEquals(Optional.of(m), WorkerProtocol.Message.parse(m.line()), m.line());
        }
    }

    /** An unwritten reproducer crosses as one line, and reads back as the JSON the worker had. */
    @Test
    void anUnwrittenReproducerCrossesAsOneLine() throws Exception {
        String json = lazymm.engine.io.Json.write(java.util.Map.of("message", "two\nlines\tand a tab", "n", List.of(1L, 2L)));
        var u = new WorkerProtocol.Unwritten("Kind:sig", Path.of("o/r.json"), "disk\tfull\n", json);
        assertEquals(1, u.line().lines().count(), u.line());
        var back = (WorkerProtocol.Unwritten) WorkerProtocol.Message.parse(u.line()).orElseThrow();
        assertEquals(lazymm.engine.io.Json.parse(json), lazymm.engine.io.Json.parse(back.json()));
        assertEquals("disk full ", back.reason());
    }

    @Test
    void otherLinesAreNotMessages() {
        assertEquals(Optional.empty(), WorkerProtocol.Message.parse("#1024\tpulse  cov: 512 ft: 900 corp: 30/2kb exec/s: 512"));
        assertEquals(Optional.empty(), WorkerProtocol.Message.parse("INFO: Seed: 1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"@lazymm stats 1 2", "@lazymm stats a b c", "@lazymm finding NoTab", "@lazymm finding \tfile",
            "@lazymm minimized f\t1", "@lazymm minimized f\tx\t2", "@lazymm frobnicate 1", "@lazymm "})
    void aMalformedMessageIsAClearError(String line) {
        var e = assertThrows(WorkerProtocol.MalformedException.class, () -> WorkerProtocol.Message.parse(line));
        assertTrue(e.getMessage().startsWith("malformed fuzz worker message") && e.getMessage().endsWith("'" + line + "'"),
                e.getMessage());
    }

    @Test
    void fieldsThatWouldBreakALineAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WorkerProtocol.Finding("a\tb", Path.of("f")));
        assertEquals("two lines", new WorkerProtocol.ErrorMessage("two\nlines").text());
    }
}
