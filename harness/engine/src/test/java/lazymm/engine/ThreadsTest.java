package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lazymm.engine.strategy.Exhaustive;
import lazymm.model.fixtures.Migration;
import lazymm.model.sim.Config;
import org.junit.jupiter.api.Test;

/** Threads: a task made on one CPU, switched out, and switched in on another (migration). */
@NeedsAgent
class ThreadsTest {

    @Test
    void aTaskSwitchedOutOnCpu0GoesOnOnCpu1() {
        Config cfg = new Config("migration", "none", "none", "sc", 2);
        Exhaustive s = new Exhaustive(Integer.MAX_VALUE);
        int n = 0;
        while (s.startExecution()) {
            Execution e = new Execution(new Migration(), cfg, null, s, 1000, false, true);
            Result r = e.run();
            assertNull(r.violation(), () -> String.valueOf(r.violation()));
            assertEquals(List.of(0, 1), ((Migration.Run) e.instance()).cpusSeen, String.join("\n", r.trace()));
            assertTrue(String.join("\n", r.trace()).contains("switch T -> rest0"), String.join("\n", r.trace()));
            n++;
        }
        assertTrue(n >= 1);
    }
}
