package lazymm.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lazymm.engine.NeedsAgent;
import lazymm.engine.Replayer;
import lazymm.engine.Result;
import lazymm.engine.SplitMix64;
import lazymm.engine.io.Reproducer;
import lazymm.model.sim.Config;
import org.junit.jupiter.api.Test;

/** The fuzz input decoder: total, deterministic, small inputs small, findings replay exactly. */
@NeedsAgent
class FuzzDecoderTest {

    private static final String[] VARIANTS = {"upstream", "shootdown", "hazard-arm64", "TASK-MM-RACE",
            "HP-HOTPLUG", "example-lost-update"};

    static byte[] randomBytes(SplitMix64 rnd, int maxLen) {
        byte[] b = new byte[rnd.nextInt(maxLen + 1)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) rnd.nextLong();
        return b;
    }

    @Test
    void randomBytesNeverThrowAndDecodeToValidPrograms() {
        SplitMix64 rnd = new SplitMix64(42);
        for (String variant : VARIANTS) {
            FuzzTarget.Campaign c = FuzzTarget.Campaign.of(variant);
            for (int i = 0; i < 150; i++) {
                byte[] in = randomBytes(rnd, i < 50 ? 8 : 1500);
                FuzzTarget.Run r = FuzzTarget.run(c, in, h -> {});
                assertNull(c.target().validate(r.config(), r.program()), variant + " " + r.program());
                assertTrue(r.result().steps() > 0, variant);
                if (r.violation() != null) {
                    assertNotNull(r.violation().signature());
                }
            }
        }
    }

    @Test
    void sameBytesSameTraceAndFeatures() {
        SplitMix64 rnd = new SplitMix64(7);
        for (String variant : VARIANTS) {
            FuzzTarget.Campaign c = FuzzTarget.Campaign.of(variant);
            Set<Long> distinct = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                byte[] in = randomBytes(rnd, 800);
                List<Integer> fa = new ArrayList<>();
                List<Integer> fb = new ArrayList<>();
                FuzzTarget.Run a = FuzzTarget.run(c, in, fa::add);
                FuzzTarget.Run b = FuzzTarget.run(c, in.clone(), fb::add);
                assertEquals(a.program(), b.program(), variant);
                assertEquals(a.result().traceHash(), b.result().traceHash(), variant);
                assertEquals(a.result().schedule(), b.result().schedule(), variant);
                assertEquals(String.valueOf(a.violation()), String.valueOf(b.violation()), variant);
                assertEquals(fa, fb, variant);
                assertEquals(new HashSet<>(fa).size(), fa.size(), "a feature is reported once per execution");
                distinct.add(a.result().traceHash());
            }
            assertTrue(distinct.size() >= 15, variant + ": only " + distinct.size() + " distinct executions of 20 inputs");
        }
    }

    @Test
    void theEmptyInputRunsTheSmallestProgramOnTheFallback() {
        for (String variant : VARIANTS) {
            FuzzTarget.Campaign c = FuzzTarget.Campaign.of(variant);
            FuzzTarget.Run r = FuzzTarget.run(c, new byte[0], null);
            assertTrue(r.result().steps() > 0, variant);
            assertEquals(0, r.scheduleBytes(), variant);
            assertEquals(c.config(), r.config(), variant);
            if (r.result().schedule().size() > 0) assertTrue(r.fellBack(), variant);
        }
        // the kernel's smallest program on upstream, which has membarrier users (a fast path needs
        // a partner): one process of two user tasks, one operation each
        FuzzTarget.Run k = FuzzTarget.run(FuzzTarget.Campaign.of("upstream"), new byte[0], null);
        assertEquals("user:1 run | user:1 run", k.program().toString());
    }

    @Test
    void smallInputsSmallPrograms() {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("upstream");
        SplitMix64 rnd = new SplitMix64(3);
        int small = 0;
        int large = 0;
        for (int i = 0; i < 200; i++) {
            small += ops(FuzzTarget.decode(c, randomBytes(rnd, 6)));
            byte[] big = randomBytes(rnd, 200);
            if (big.length > 1) big[1] = 63;
            large += ops(FuzzTarget.decode(c, big));
        }
        assertTrue(small * 2 < large, "small inputs " + small + " operations, large " + large);
    }

    private static int ops(FuzzTarget.Decoded d) {
        int n = 0;
        for (List<String> row : d.program().perCpu()) n += row.size();
        return n;
    }

    @Test
    void theCpuRangeIsDecodedFromTheFirstByte() {
        FuzzTarget.Campaign d = FuzzTarget.Campaign.of("upstream");
        FuzzTarget.Campaign c = new FuzzTarget.Campaign(d.target(), d.config(), 2, 4, d.maxSteps(), true);
        Set<Integer> cpus = new HashSet<>();
        for (int b = 0; b < 6; b++) {
            Config cfg = FuzzTarget.decode(c, new byte[] {(byte) b}).config();
            cpus.add(cfg.cpus());
        }
        assertEquals(Set.of(2, 3, 4), cpus);
        assertEquals(2, FuzzTarget.decode(c, new byte[0]).config().cpus());
    }

    @Test
    void aFindingReplaysToTheSameSignature() {
        for (String variant : new String[] {"HP-HOTPLUG", "example-lost-update", "TASK-MM-RACE"}) {
            FuzzTarget.Campaign c = FuzzTarget.Campaign.of(variant);
            SplitMix64 rnd = new SplitMix64(11);
            FuzzTarget.Run found = null;
            byte[] in = null;
            for (int i = 0; i < 20_000 && found == null; i++) {
                in = randomBytes(rnd, 1500);
                FuzzTarget.Run r = FuzzTarget.run(c, in, null);
                if (r.violation() != null) found = r;
            }
            assertNotNull(found, variant + ": no violation in 20,000 random inputs");
            Reproducer rep = FuzzTarget.reproducer(c, found, in, Map.of("seed", 11L));
            Result again = Replayer.replay(rep, true);
            assertNotNull(again.violation(), variant);
            assertEquals(found.violation().signature(), again.violation().signature(), variant);
            assertEquals(found.result().traceHash(), again.traceHash(), variant);
        }
    }
}
