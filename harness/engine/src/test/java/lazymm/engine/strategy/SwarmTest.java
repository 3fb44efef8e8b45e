package lazymm.engine.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import lazymm.engine.SplitMix64;
import lazymm.model.sim.Actions;
import org.junit.jupiter.api.Test;

/** The swarm's schedule shapes, on synthetic choices (3 CPUs, each with a store buffer to drain). */
class SwarmTest {

    private static final int D = Actions.FIRST_EXTRA;
    /** Run CPU 0, 1, 2 or drain one of their buffers. */
    private static final int[] OPTS = {0, 1, 2, D, D + 1, D + 2};

    /** The actions chosen in {@code steps} steps of one execution. */
    private static List<Integer> run(Swarm s, int steps) {
        List<Integer> out = new ArrayList<>();
        int running = -1;
        for (int step = 0; step < steps; step++) {
            int a = OPTS[s.choose(OPTS.clone(), OPTS.length, running, step)];
            out.add(a);
            if (Actions.isRun(a)) running = a;
        }
        return out;
    }

    /** A swarm whose first execution has the given shape and drain weight (searching seeds). */
    private static Swarm withShape(Swarm.Shape shape, int drainWeight, Boolean stallsCpu) {
        for (long seed = 1; seed < 100_000; seed++) {
            Swarm s = new Swarm(new SplitMix64(seed), 512, false);
            s.startExecution();
            if (s.shape() == shape && (drainWeight < 0 || s.drainWeight() == drainWeight)
                    && (stallsCpu == null || s.stallsCpu() == stallsCpu)) {
                return s;
            }
        }
        throw new AssertionError("no seed gives " + shape);
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        for (long seed = 1; seed <= 30; seed++) {
            Swarm a = new Swarm(new SplitMix64(seed));
            Swarm b = new Swarm(new SplitMix64(seed));
            for (int e = 0; e < 3; e++) {
                a.startExecution();
                b.startExecution();
                assertEquals(a.shape(), b.shape());
                assertEquals(run(a, 2000), run(b, 2000));
                a.endExecution(2000);
                b.endExecution(2000);
            }
        }
    }

    @Test
    void everyShapeAndWeightIsDrawn() {
        Set<Swarm.Shape> shapes = EnumSet.noneOf(Swarm.Shape.class);
        Set<Integer> weights = new java.util.HashSet<>();
        Swarm s = new Swarm(new SplitMix64(5));
        for (int e = 0; e < 200; e++) {
            s.startExecution();
            shapes.add(s.shape());
            weights.add(s.drainWeight());
        }
        assertEquals(EnumSet.allOf(Swarm.Shape.class), shapes);
        assertEquals(Swarm.DRAIN_WEIGHTS.length, weights.size());
    }

    @Test
    void aStallKeepsTheCpuAndItsBufferWaitingForTheWholeWindow() {
        Swarm s = withShape(Swarm.Shape.STALL, -1, true);
        List<Integer> chosen = run(s, (int) s.stallEnd() + 200);
        int c = s.stalled();
        assertTrue(c >= 0 && c < 3, "the stall started: " + c);
        assertTrue(s.stallEnd() - s.stallStart() >= Swarm.MIN_STALL);
        for (long step = s.stallStart(); step < s.stallEnd(); step++) {
            int a = chosen.get((int) step);
            assertNotEquals(c, a, "CPU " + c + " ran at step " + step + " inside its stall");
            assertNotEquals(D + c, a, "CPU " + c + "'s buffer drained at step " + step + " inside its stall");
        }
        // after the window it is scheduled again
        List<Integer> after = chosen.subList((int) s.stallEnd(), chosen.size());
        assertTrue(after.contains(c), "CPU " + c + " never ran after its stall: " + after);
    }

    @Test
    void aBufferHoldKeepsOnlyTheBufferWaiting() {
        Swarm s = withShape(Swarm.Shape.STALL, -1, false);
        List<Integer> chosen = run(s, (int) s.stallEnd() + 10);
        int c = s.stalled();
        boolean ran = false;
        for (long step = s.stallStart(); step < s.stallEnd(); step++) {
            int a = chosen.get((int) step);
            assertNotEquals(D + c, a, "CPU " + c + "'s buffer drained at step " + step + " inside its hold");
            if (a == c) ran = true;
        }
        if (s.stallEnd() - s.stallStart() >= 64) assertTrue(ran, "the CPU itself runs during a buffer hold");
    }

    @Test
    void theStalledCpuRunsWhenNothingElseCan() {
        Swarm s = withShape(Swarm.Shape.STALL, -1, true);
        int[] alone = {1, D + 1};
        int[] withOther = {1, D + 1, 2};
        for (long step = s.stallStart(); step < s.stallEnd(); step++) {
            // CPU 1 (running at the window's start, so the stalled one) and its buffer alone: one
            // of them goes on; with CPU 2 enabled too, CPU 2 always
            int i = s.choose(alone.clone(), 2, 1, step);
            assertTrue(i == 0 || i == 1);
            assertEquals(1, s.stalled());
            assertEquals(2, s.choose(withOther.clone(), 3, 1, step));
        }
    }

    @Test
    void theDrainWeightChangesHowOftenBuffersDrain() {
        double full = drainShare(withShape(Swarm.Shape.WALK, Swarm.RUN_WEIGHT, null));
        double low = drainShare(withShape(Swarm.Shape.WALK, 1, null));
        // weight 1 against 256 for each run action: 3 drains of 6 options, then 3/771
        assertEquals(0.5, full, 0.05);
        assertTrue(low < 0.01, "drain share with weight 1/256: " + low);
    }

    private static double drainShare(Swarm s) {
        List<Integer> chosen = run(s, 20_000);
        return chosen.stream().filter(a -> a >= D).count() / (double) chosen.size();
    }

    @Test
    void theVisibilityWeightMakesLoadsReadOlderStores() {
        int[] values = {Actions.FIRST_VALUE, Actions.FIRST_VALUE + 1};
        Swarm s = withShape(Swarm.Shape.WALK, 1, null);
        int newest = 0;
        for (int i = 0; i < 10_000; i++) if (s.choose(values.clone(), 2, 0, i) == 0) newest++;
        assertTrue(newest < 100, "the newest store read " + newest + " times of 10,000 with weight 1/256");
        Swarm u = withShape(Swarm.Shape.WALK, Swarm.RUN_WEIGHT, null);
        newest = 0;
        for (int i = 0; i < 10_000; i++) if (u.choose(values.clone(), 2, 0, i) == 0) newest++;
        assertEquals(5_000, newest, 300);
    }
}
