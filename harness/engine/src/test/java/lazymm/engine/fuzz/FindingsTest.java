package lazymm.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lazymm.engine.NeedsAgent;
import lazymm.engine.Replayer;
import lazymm.engine.SplitMix64;
import lazymm.engine.io.Json;
import lazymm.engine.io.Reproducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's finding whose reproducer cannot be written still reaches the command, whole. */
@NeedsAgent
class FindingsTest {

    @Test
    void anUnwritableReproducerCrossesToTheCommandAndReplays(@TempDir Path tmp) throws Exception {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("example-lost-update");
        SplitMix64 rnd = new SplitMix64(7);
        FuzzTarget.Run r = null;
        for (int i = 0; i < 2000 && (r == null || r.violation() == null); i++) {
            r = FuzzTarget.run(c, FuzzDecoderTest.randomBytes(rnd, 64), null);
        }
        assertNotNull(r.violation(), "no finding in 2000 inputs");
        Findings findings = new Findings(c, tmp);
        Path file = findings.fileFor(r.violation());
        Files.createDirectories(file.resolve("in-the-way"));  // its path is taken: the write fails
        FuzzTarget.Run found = r;
        Findings.Unwritable e = assertThrows(Findings.Unwritable.class,
                () -> findings.write(found, new byte[] {1, 2}, Map.of("worker", 0L)));
        // what FuzzEntry sends, as the command reads it
        var line = new WorkerProtocol.Unwritten(r.violation().signature(), e.file, e.getMessage(),
                Json.write(e.reproducer.toJson(e.file))).line();
        var back = (WorkerProtocol.Unwritten) WorkerProtocol.Message.parse(line).orElseThrow();
        Path saved = tmp.resolve("saved.json");
        Files.writeString(saved, back.json());
        Reproducer rep = Reproducer.read(saved);
        assertEquals(r.violation().signature(), Replayer.replay(rep, false).violation().signature());
    }

    /**
     * The runner's own path ({@link FindingReport}, what a worker and the warm start run): the
     * finding whose reproducer cannot be written goes out as one 'unwritten' message carrying the
     * whole reproducer, which replays to its signature, and the runner is told to stop; no
     * 'finding' message names a file that is not there.
     */
    @Test
    void theRunnerSendsAnUnwritableReproducerWhole(@TempDir Path tmp) throws Exception {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("example-lost-update");
        SplitMix64 rnd = new SplitMix64(7);
        FuzzTarget.Run r = null;
        byte[] data = null;
        for (int i = 0; i < 2000 && (r == null || r.violation() == null); i++) {
            data = FuzzDecoderTest.randomBytes(rnd, 64);
            r = FuzzTarget.run(c, data, null);
        }
        assertNotNull(r.violation(), "no finding in 2000 inputs");
        Findings findings = new Findings(c, tmp);
        Files.createDirectories(findings.fileFor(r.violation()).resolve("in-the-way"));
        List<WorkerProtocol.Message> sent = new ArrayList<>();
        FindingReport.Outcome o = FindingReport.report(c, findings, r, data, new HashMap<>(Map.of("worker", 0L)), 10,
                () -> { }, sent::add);
        assertEquals(FindingReport.Outcome.UNWRITTEN, o, sent.toString());
        assertEquals(1, sent.size(), sent.toString());
        var u = assertInstanceOf(WorkerProtocol.Unwritten.class, sent.get(0), sent.toString());
        assertEquals(r.violation().signature(), u.signature());
        assertEquals(findings.fileFor(r.violation()), u.reproducer());
        var back = (WorkerProtocol.Unwritten) WorkerProtocol.Message.parse(u.line()).orElseThrow();
        Path saved = tmp.resolve("saved.json");
        Files.writeString(saved, back.json());
        assertEquals(r.violation().signature(), Replayer.replay(Reproducer.read(saved), false).violation().signature());
        assertTrue(Files.isDirectory(findings.fileFor(r.violation())), "the path in the way was left alone");
    }
}
