package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lazymm.engine.strategy.RandomWalk;
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;

/**
 * With the agent, the known example classes have exactly the yield points their source shows:
 * one before every access to a non-final model field and before every memory-API call, none
 * for final fields, none in constructors.
 */
@NeedsAgent
class YieldPointTest {

    private static Result one(String variant, List<List<String>> ops) {
        return Run.once(Run.target(variant), Run.config(variant).withCpus(ops.size()), Program.of(ops),
                new RandomWalk(new SplitMix64(1)), true);
    }

    /** The line of {@code text} in the example's source, as the agent records it in sites. */
    private static int line(String text) throws IOException {
        List<String> src = Files.readAllLines(Path.of("../../model/src/main/java/lazymm/example/LostUpdate.java"));
        for (int i = 0; i < src.size(); i++) {
            if (src.get(i).contains(text)) return i + 1;
        }
        throw new AssertionError(text + " not in LostUpdate.java");
    }

    @Test
    void lostUpdateIncIsALoadAndAStoreOfThePlainField() throws IOException {
        Result r = one("example-lost-update", List.of(List.of("inc", "inc", "inc")));
        assertEquals(6, r.steps());
        String read = "LostUpdate.counterInc:" + line("int tmp = counter;") + " read counter";
        String write = "LostUpdate.counterInc:" + line("counter = tmp + 1;") + " write counter";
        assertEquals(List.of("1 cpu0 " + read, "2 cpu0 " + write, "3 cpu0 " + read, "4 cpu0 " + write,
                "5 cpu0 " + read, "6 cpu0 " + write), r.trace());
    }

    @Test
    void atomicIncIsOneSharedAccess() throws IOException {
        Result r = one("example-lost-update-fixed", List.of(List.of("inc", "inc")));
        String inc = "LostUpdate.counterInc:" + line("mem.atomicIncReturn(atomicCounter);") + " atomicIncReturn";
        assertEquals(List.of("1 cpu0 " + inc, "2 cpu0 " + inc), r.trace());
    }

    @Test
    void refcountDropUseAndPut() {
        Result r = one("example-refcount-drop", List.of(List.of("use", "put")));
        // use: read frees, readOnce, writeOnce; put: atomicDec, readOnce; free: read frees (the
        // double-free check), then frees = frees + 1 (read, write)
        assertEquals(8, r.steps(), String.join("\n", r.trace()));
    }
}
