package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import lazymm.engine.strategy.RandomWalk;
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;

/**
 * With the agent, the known example classes have exactly the yield points their source shows:
 * one before every access to a non-final model field and before every memory-API call, none
 * for final fields, none in constructors.
 */
class YieldPointTest {

    private static Result one(String variant, List<List<String>> ops) {
        return Run.once(Run.target(variant), Run.config(variant).withCpus(ops.size()), Program.of(ops),
                new RandomWalk(new SplitMix64(1)), true);
    }

    @Test
    void lostUpdateIncIsALoadAndAStoreOfThePlainField() {
        Result r = one("example-lost-update", List.of(List.of("inc", "inc", "inc")));
        assertEquals(6, r.steps());
        assertEquals(List.of(
                "1 cpu0 LostUpdate.counterInc:55 read counter",
                "2 cpu0 LostUpdate.counterInc:56 write counter",
                "3 cpu0 LostUpdate.counterInc:55 read counter",
                "4 cpu0 LostUpdate.counterInc:56 write counter",
                "5 cpu0 LostUpdate.counterInc:55 read counter",
                "6 cpu0 LostUpdate.counterInc:56 write counter"), r.trace());
    }

    @Test
    void atomicIncIsOneSharedAccess() {
        Result r = one("example-lost-update-fixed", List.of(List.of("inc", "inc")));
        assertEquals(List.of(
                "1 cpu0 LostUpdate.counterInc:53 atomicIncReturn",
                "2 cpu0 LostUpdate.counterInc:53 atomicIncReturn"), r.trace());
    }

    @Test
    void refcountDropUseAndPut() {
        Result r = one("example-refcount-drop", List.of(List.of("use", "put")));
        // use: read frees, readOnce, writeOnce; put: atomicDec, readOnce; free: read frees (the
        // double-free check), then frees = frees + 1 (read, write)
        assertEquals(8, r.steps(), String.join("\n", r.trace()));
    }
}
