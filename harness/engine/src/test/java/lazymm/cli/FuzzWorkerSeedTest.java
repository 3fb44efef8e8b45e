package lazymm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** fuzz's workers: worker 0 keeps the campaign's seed, and no two campaigns' workers share one. */
class FuzzWorkerSeedTest {

    @Test
    void workerZeroKeepsTheSeedAndTheOthersAreDistinctAcrossCampaigns() {
        Set<Long> seen = new HashSet<>();
        for (long seed = 1; seed <= 50; seed++) {
            assertEquals(seed, FuzzCommand.workerSeed(seed, 0));
            seen.add(seed);
        }
        for (long seed = 1; seed <= 50; seed++) {
            for (int id = 1; id < 8; id++) {
                long s = FuzzCommand.workerSeed(seed, id);
                assertTrue(s >= 1 && s <= Integer.MAX_VALUE, "libFuzzer's -seed is 1..2^31-1 here: " + s);
                assertTrue(seen.add(s), "seed " + seed + " worker " + id + " shares its seed " + s + " with another worker");
            }
        }
    }

    @Test
    void theDefaultIsOneWorkerPerProcessorAtMostEight() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(1, Math.min(8, cores)), FuzzCommand.defaultJobs());
        assertEquals(FuzzCommand.defaultJobs(), new FuzzCommand().jobs);
    }

    @Test
    void theWorkersDisableEveryOneOfJazzersSanitizersInItsOwnListSyntax() {
        String hooks = FuzzCommand.sanitizerHooks();
        assertTrue(!hooks.contains(","), "Jazzer's list options are ':'-separated: " + hooks);
        java.util.List<String> names = java.util.List.of(hooks.split(":"));
        assertTrue(names.contains("com.code_intelligence.jazzer.sanitizers.SqlInjection"), hooks);
        assertTrue(names.size() >= 10, hooks);
    }
}
