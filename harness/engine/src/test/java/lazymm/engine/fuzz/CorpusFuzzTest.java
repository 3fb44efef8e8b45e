package lazymm.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import lazymm.engine.NeedsAgent;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;
import lazymm.model.Catalog;

/**
 * The fuzz targets as JUnit fuzz tests. Plain {@code ./lazymm test} runs them in Jazzer's
 * regression mode over the empty input and the committed inputs of {@code fuzz-corpus/<target>/}
 * (copied to the test resources as {@code CorpusFuzzTestInputs/<target>}): every input must run
 * clean on every variant of the target that must stay clean. To fuzz one of them:
 * {@code JAZZER_FUZZ=1 mvn verify -pl harness/engine -am -Dtest=CorpusFuzzTest#kernel}.
 */
@NeedsAgent
class CorpusFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void kernel(byte[] data) {
        allClean("kernel", data);
    }

    @FuzzTest(maxDuration = "60s")
    void example(byte[] data) {
        allClean("example", data);
    }

    private static final java.util.Map<String, List<FuzzTarget.Campaign>> CLEAN = new java.util.HashMap<>();

    static List<FuzzTarget.Campaign> cleanCampaigns(String targetId) {
        return CLEAN.computeIfAbsent(targetId, id -> {
            List<FuzzTarget.Campaign> out = new ArrayList<>();
            for (Target t : Catalog.targets()) {
                if (!t.id().equals(id)) continue;
                for (Variant v : t.variants()) {
                    if (v.isClean()) out.add(FuzzTarget.Campaign.of(v.id()));
                }
            }
            if (out.isEmpty()) throw new IllegalStateException("target " + id + " has no clean variant");
            return out;
        });
    }

    static void allClean(String targetId, byte[] data) {
        for (FuzzTarget.Campaign c : cleanCampaigns(targetId)) {
            FuzzTarget.Run r = FuzzTarget.run(c, data, null);
            if (r.violation() != null) {
                throw new AssertionError(c.config().variant() + " must stay clean, but this input ends in "
                        + r.violation().signature() + ": " + r.violation().getMessage()
                        + "\n  program: " + r.program() + "\n  schedule: " + r.result().schedule());
            }
        }
    }
}
