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

    /** Records the conflicts the memory reports, under a random walk. */
    private static final class ConflictLog implements lazymm.engine.Strategy {
        final lazymm.engine.Strategy random;
        final List<String> pairs = new ArrayList<>();
        int readRead;

        ConflictLog(long seed) { random = lazymm.engine.Strategies.create("random", seed, 3, 2); }

        @Override public String name() { return "conflict-log"; }
        @Override public boolean startExecution() { return random.startExecution(); }
        @Override public int choose(int[] opts, int n, int running, long step) { return random.choose(opts, n, running, step); }
        @Override public boolean observesConflicts() { return true; }

        @Override
        public void conflict(String earlierSite, boolean earlierWrite, String site, boolean write) {
            if (!earlierWrite && !write) readRead++;
            pairs.add(earlierSite + (earlierWrite ? " W" : " R") + " -> " + site + (write ? " W" : " R"));
        }
    }

    @Test
    void conflictFeaturesAreOrderedPairsOfConflictingAccessesThatGoBothWays() {
        var target = lazymm.model.Catalog.targetOf("upstream");
        Config cfg = lazymm.model.Catalog.variant("upstream").defaults();
        Set<String> all = new HashSet<>();
        List<String> first = null;
        for (long seed = 1; seed <= 30; seed++) {
            ConflictLog log = new ConflictLog(seed);
            log.startExecution();
            var program = target.randomProgram(cfg, new SplitMix64(seed));
            new lazymm.engine.Execution(target, cfg, program, log, 200_000, false, false).run();
            assertEquals(0, log.readRead, "two reads never conflict");
            all.addAll(log.pairs);
            if (seed == 1) {
                first = log.pairs;
                ConflictLog again = new ConflictLog(seed);
                again.startExecution();
                new lazymm.engine.Execution(target, cfg, program, again, 200_000, false, false).run();
                assertEquals(first, again.pairs, "the same schedule reports the same conflicts");
            }
        }
        assertTrue(all.size() > 20, "too few conflicting pairs: " + all);
        long reversed = all.stream().filter(p -> {
            String[] ab = p.split(" -> ");
            return !ab[0].equals(ab[1]) && all.contains(ab[1] + " -> " + ab[0]);
        }).count();
        assertTrue(reversed > 0, "no race was seen going both ways in 30 random executions: " + all);
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
    void theEmptyInputIsARandomProgramUnderAPctScheduleSeededByTheInput() {
        for (String variant : VARIANTS) {
            FuzzTarget.Campaign c = FuzzTarget.Campaign.of(variant);
            FuzzTarget.Run r = FuzzTarget.run(c, new byte[0], null);
            assertTrue(r.result().steps() > 0, variant);
            assertEquals(0, r.scheduleBytes(), variant);
            assertEquals(c.config(), r.config(), variant);
            assertEquals(FuzzStrategy.Form.PRIORITY, FuzzTarget.decode(c, new byte[0]).form(), variant);
            if (r.result().schedule().size() > 0) assertTrue(r.fellBack(), variant);
            assertEquals(r.result().traceHash(), FuzzTarget.run(c, new byte[0], null).result().traceHash(), variant);
        }
    }

    @Test
    void theProgramSectionDecidesTheProgramAndZerosAreTheSmallest() {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("upstream");
        byte[] zeros = new byte[2 + 63 + 8];
        zeros[1] = 63;  // the priority form, a full program section of zeros
        // the kernel's smallest program on upstream, which has membarrier users (a fast path needs
        // a partner): one process of two user tasks, one operation each
        assertEquals("user:1 run | user:1 run", FuzzTarget.decode(c, zeros).program().toString());
        SplitMix64 rnd = new SplitMix64(3);
        for (int i = 0; i < 50; i++) {
            // a few program bytes, then zeros: a program that the section holds whole
            byte[] in = new byte[2 + 63 + 16];
            for (int j = 2; j < 6; j++) in[j] = (byte) rnd.nextInt(256);
            in[1] = (byte) (rnd.nextInt(4) << 6 | 63);
            String program = FuzzTarget.decode(c, in).program().toString();
            for (int f = 0; f < 4; f++) {
                byte[] other = in.clone();
                other[1] = (byte) (f << 6 | 63);  // another form
                for (int j = 2 + 63; j < other.length; j++) other[j] = (byte) rnd.nextInt(256);  // other schedule bytes
                assertEquals(program, FuzzTarget.decode(c, other).program().toString());
            }
        }
    }

    private static int ops(FuzzTarget.Decoded d) {
        int n = 0;
        for (List<String> row : d.program().perCpu()) n += row.size();
        return n;
    }

    /** A priority-form input: program section empty, header, then the priority table. */
    private static byte[] priorityInput(int header, int... table) {
        byte[] in = new byte[2 + FuzzStrategy.PRIORITY_HEADER];
        in[1] = (byte) 0xc0;
        in[2] = (byte) header;
        for (int i = 0; i < table.length; i++) in[3 + i] = (byte) table[i];
        return in;
    }

    @Test
    void thePriorityFormRunsTheHighestPriorityCpuUntilItCannotGoOn() {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("example-lost-update");
        for (int[] prio : new int[][] {{200, 10}, {10, 200}}) {
            FuzzTarget.Run r = FuzzTarget.run(c, priorityInput(7, prio), null);  // header 7: no change point
            List<String> labels = r.result().schedule();
            assertTrue(labels.size() >= 2, labels.toString());
            String first = prio[0] > prio[1] ? "c0" : "c1";
            // the first CPU runs every step it can: once the other starts, the first never comes back
            int switches = 0;
            for (int i = 1; i < labels.size(); i++) if (!labels.get(i).equals(labels.get(i - 1))) switches++;
            assertEquals(first, labels.get(0), labels.toString());
            assertTrue(switches <= 1, "no change point, so at most one switch: " + labels);
        }
        // a change point makes the running CPU drop below the other: CPU 1 runs sooner
        List<String> without = FuzzTarget.run(c, priorityInput(7, 200, 10), null).result().schedule();
        byte[] in = priorityInput(1, 200, 10);
        in[3 + FuzzStrategy.TABLE] = 1;  // v = 256: step 256 * 256 >> 16 = 1
        List<String> with = FuzzTarget.run(c, in, null).result().schedule();
        int a = without.indexOf("c1") < 0 ? without.size() : without.indexOf("c1");
        assertTrue(with.indexOf("c1") >= 0 && with.indexOf("c1") < a, without + " / " + with);
    }

    @Test
    void theSeededFormsAreDeterministicAndFillMissingBytesFromTheInput() {
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("upstream");
        Set<String> programs = new HashSet<>();
        for (int b = 0; b < 40; b++) {
            byte[] in = {0, (byte) (b % 2 == 0 ? 0x40 : 0xc0), (byte) b};  // random walk, priority
            FuzzTarget.Run r1 = FuzzTarget.run(c, in, null);
            FuzzTarget.Run r2 = FuzzTarget.run(c, in.clone(), null);
            assertEquals(r1.result().traceHash(), r2.result().traceHash());
            assertTrue(r1.fellBack());
            programs.add(r1.program().toString());
        }
        assertTrue(programs.size() > 20, "short priority-form inputs are random programs: " + programs.size());
    }

    @Test
    void theChoiceFormFallsBackToASwarmScheduleSeededByTheInput() {
        // program section empty, no schedule bytes: a random program each time, and the whole
        // schedule from the fallback, which the input's hash seeds
        FuzzTarget.Campaign c = FuzzTarget.Campaign.of("upstream");
        Set<List<String>> schedules = new HashSet<>();
        for (int b = 0; b < 40; b++) {
            byte[] in = {0, (byte) 0x80, (byte) b};
            assertEquals(FuzzStrategy.Form.CHOICE_SWARM, FuzzTarget.decode(c, in).form());
            FuzzTarget.Run r1 = FuzzTarget.run(c, in, null);
            FuzzTarget.Run r2 = FuzzTarget.run(c, in.clone(), null);
            assertEquals(r1.result().schedule(), r2.result().schedule(), "same bytes, same schedule");
            assertEquals(r1.result().traceHash(), r2.result().traceHash());
            assertTrue(r1.fellBack());
            schedules.add(r1.result().schedule());
        }
        assertTrue(schedules.size() > 20, "schedules drawn per input: " + schedules.size() + " distinct");
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
