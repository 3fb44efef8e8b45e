package lazymm.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lazymm.engine.NeedsAgent;
import lazymm.engine.Replayer;
import lazymm.engine.Result;
import lazymm.engine.io.Reproducer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every reproducer kept in fuzz-corpus/reproducers/ (the positive controls as the fuzzer found
 * them, minimized) still replays, step for step, to the violation it recorded.
 */
@NeedsAgent
class CommittedReproducersTest {

    static final Path DIR = Path.of("../../fuzz-corpus/reproducers");

    @TestFactory
    Stream<DynamicTest> everyKeptReproducerReplaysToItsSignature() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no reproducers in " + DIR);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Reproducer r = Reproducer.read(f);
            Result res = Replayer.replay(r, false);
            assertNotNull(res.violation(), f + " now ends clean");
            assertEquals(r.signature(), res.violation().signature(), f.toString());
        }));
    }
}
