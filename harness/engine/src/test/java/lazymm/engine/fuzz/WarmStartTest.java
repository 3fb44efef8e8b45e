package lazymm.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lazymm.engine.NeedsAgent;
import lazymm.engine.Replayer;
import lazymm.engine.io.Json;
import lazymm.engine.io.Reproducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz command's warm start: it runs the corpus files first, then generated inputs; a finding
 * goes out as a worker's does (statistics, the finding once written, its minimization), the same
 * for the same seed; stopped, it ends without one.
 */
@NeedsAgent
class WarmStartTest {

    private static List<WorkerProtocol.Message> run(FuzzTarget.Campaign c, Path out, List<Path> dirs, long seed) throws Exception {
        List<WorkerProtocol.Message> sent = new ArrayList<>();
        new WarmStart(c, out, dirs, seed, 200, false, sent::add).run();  // ends at its first finding
        return sent;
    }

    @Test
    void aFindingIsWrittenReportedAndMinimizedAsAWorkerDoesIt(@TempDir Path tmp) throws Exception {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("example-lost-update");
        List<WorkerProtocol.Message> sent = run(c, tmp.resolve("a"), List.of(), 3);
        assertEquals(3, sent.size(), "statistics, the finding, its minimization: " + sent);
        assertInstanceOf(WorkerProtocol.Stats.class, sent.get(0));
        var f = assertInstanceOf(WorkerProtocol.Finding.class, sent.get(1));
        var m = assertInstanceOf(WorkerProtocol.Minimized.class, sent.get(2));
        assertEquals(f.reproducer(), m.reproducer());
        Reproducer rep = Reproducer.read(f.reproducer());
        assertEquals(f.signature(), Replayer.replay(rep, false).violation().signature());
        Map<?, ?> foundBy = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(f.reproducer()))).get("found_by");
        assertEquals("command", foundBy.get("worker"));
        // the same seed, the same execution
        List<WorkerProtocol.Message> again = run(c, tmp.resolve("b"), List.of(), 3);
        assertEquals(((WorkerProtocol.Stats) sent.get(0)).executions(), ((WorkerProtocol.Stats) again.get(0)).executions());
    }

    @Test
    void theCorpusFilesRunFirstSmallestFirst(@TempDir Path tmp) throws Exception {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("example-lost-update");
        // an input that finds the bug, found by the generator; then placed second of three files
        List<WorkerProtocol.Message> sent = run(c, tmp.resolve("gen"), List.of(), 3);
        Path found = ((WorkerProtocol.Finding) sent.get(1)).reproducer();
        byte[] input = Files.readAllBytes(new Findings(c, tmp.resolve("gen")).inputFor(
                Replayer.replay(Reproducer.read(found), false).violation()));
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        Files.write(dir.resolve("a"), input);  // first by name, but the largest
        Files.write(dir.resolve("b"), new byte[] {0});
        Files.write(dir.resolve("c"), new byte[] {0});
        Files.writeString(dir.resolve("README.md"), "not an input");
        List<WorkerProtocol.Message> fromCorpus = run(c, tmp.resolve("out"), List.of(dir, tmp.resolve("missing")), 3);
        var stats = (WorkerProtocol.Stats) fromCorpus.get(0);
        assertTrue(fromCorpus.get(1) instanceof WorkerProtocol.Finding);
        // "b" and "c" (one byte each, clean) ran, then "a", the largest, found it
        assertEquals(null, FuzzTarget.run(c, new byte[] {0}, null).violation(), "the one-byte input is clean");
        assertEquals(3, stats.executions(), "smallest first, before any generated input: " + stats);
    }

    @Test
    void stoppedItEndsAfterTheExecutionInProgressWithoutAFinding(@TempDir Path tmp) throws Exception {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("upstream");
        List<WorkerProtocol.Message> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        WarmStart w = new WarmStart(c, tmp, List.of(), 1, 200, false, sent::add);
        Thread t = new Thread(w);
        t.start();
        while (w.executions() < 20) Thread.sleep(5);
        assertTrue(w.firstExecutionNanos() != 0);
        w.stop();
        t.join(30_000);
        assertFalse(t.isAlive(), "still running after stop()");
        assertTrue(sent.isEmpty(), "today's kernel is clean: " + sent);
        assertFalse(Files.list(tmp).findAny().isPresent(), "nothing written");
    }
}
