package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lazymm.engine.strategy.Exhaustive;
import lazymm.engine.strategy.RandomWalk;
import lazymm.example.fixtures.LockOrder;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;

/** The engine's own verdicts: Deadlock when no CPU can run, Livelock at the step bound; never a hang. */
@NeedsAgent
class VerdictTest {

    private static final Config CFG = new Config("lock-order", "none", "none", "sc", 2);

    @Test
    void abbaDeadlockIsFoundAndNamesBothLocks() {
        Exhaustive s = new Exhaustive(2);
        Result dead = null;
        int clean = 0;
        while (s.startExecution()) {
            Result r = new Execution(new LockOrder(), CFG, new LockOrder().defaultProgram(CFG), s, 1000, true, true).run();
            if (r.failed()) {
                dead = r;
                break;
            }
            clean++;
        }
        assertNotNull(dead, "no deadlock in " + clean + " executions");
        assertEquals("Deadlock", dead.violation().kind());
        assertTrue(dead.violation().getMessage().contains("cpu0 waits for lock B"), dead.violation().getMessage());
        assertTrue(dead.violation().getMessage().contains("cpu1 waits for lock A"), dead.violation().getMessage());
        assertTrue(clean > 0, "the non-interleaved orders should complete");
    }

    @Test
    void sameLockOrderNeverDeadlocks() {
        Program p = Program.of(List.of(List.of("ab", "ab"), List.of("ab")));
        Exhaustive s = new Exhaustive(3);
        long n = 0;
        while (s.startExecution()) {
            Result r = new Execution(new LockOrder(), CFG, p, s, 1000, true, false).run();
            assertNull(r.violation(), () -> "" + r.violation());
            n++;
        }
        assertTrue(n > 10, "only " + n + " executions");
    }

    @Test
    void endlessLoopIsALivelockAtTheBound() {
        Program p = Program.of(List.of(List.of("spin"), List.of("ab")));
        RandomWalk s = new RandomWalk(new SplitMix64(3));
        s.startExecution();
        Result r = new Execution(new LockOrder(), CFG, p, s, 5000, true, false).run();
        assertNotNull(r.violation());
        assertEquals("Livelock", r.violation().kind());
        assertEquals(5001, r.steps());
    }
}
