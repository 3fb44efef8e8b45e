package lazymm.engine.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StateSetTest {

    @Test
    void agreesWithAHashSetUpToItsBound() {
        StateSet s = new StateSet(1 << 16);
        Set<Long> ref = new HashSet<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long h = r.nextInt(40_000) - 3;  // repeats, negatives and 0
            assertEquals(ref.add(h), s.add(h), "hash " + h);
        }
        assertEquals(ref.size(), s.size());
        assertFalse(s.full());
    }

    @Test
    void onceFullItRemembersNoMoreButStillKnowsWhatItHolds() {
        StateSet s = new StateSet(3);
        assertTrue(s.add(10));
        assertTrue(s.add(0));
        assertTrue(s.add(-5));
        assertTrue(s.full());
        assertFalse(s.add(10));
        assertFalse(s.add(0));
        assertTrue(s.add(11));
        assertTrue(s.add(11), "a state the full table could not keep is new each time: never pruned wrongly");
        assertEquals(3, s.size());
    }
}
