package lazymm.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
