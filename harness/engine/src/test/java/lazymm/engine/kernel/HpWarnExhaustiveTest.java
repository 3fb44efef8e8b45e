package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lazymm.engine.Execution;
import lazymm.engine.NeedsAgent;
import lazymm.engine.Result;
import lazymm.engine.strategy.Exhaustive;
import lazymm.model.kernel.Kernel;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import org.junit.jupiter.api.Test;

/**
 * HP-WARN, a control of the other kind: Peter Zijlstra's WARN_ON_ONCE(!old_mm) in mmdrop_lazy
 * ("if we observe a !NULL value on the load, the xchg() MUST also see !NULL") never fires. Every
 * schedule with at most two preemptions of a small configuration: 2 CPUs, two threads of one
 * process whose last mmput races with a kthread that uses and unuses the mm (so CPUs go lazy on
 * it and mm_unlazy_mm_count hands them references), sequentially consistent memory.
 */
@NeedsAgent
class HpWarnExhaustiveTest {

    @Test
    void theWarnNeverFiresOnEveryScheduleWithTwoPreemptions() {
        Config cfg = new Config("HP-WARN", "x86", "hazard", "sc", 2);
        Program p = Program.of(List.of(List.of("user:1", "sched"), List.of("user:1", "run"),
                List.of("kthread", "use:1", "unuse")));
        Exhaustive s = new Exhaustive(2);
        long executions = 0;
        long slowPaths = 0;
        while (s.startExecution()) {
            Execution e = new Execution(new KernelTarget(), cfg, p, s, Execution.DEFAULT_STEP_BOUND, true, false);
            Result r = e.run();
            assertNull(r.violation(), () -> "execution " + s.executions() + ": " + r.violation() + " schedule " + r.schedule());
            executions++;
            if (((Kernel) e.instance()).dropMmSlowPaths() > 0) slowPaths++;
        }
        System.out.printf("HP-WARN: %,d executions (every schedule with <= 2 preemptions), %,d of them through "
                + "mmdrop_lazy's slow path, no WARN%n", executions, slowPaths);
        assertTrue(executions > 100_000, executions + " executions");
        assertTrue(slowPaths > 1_000, "the WARN's path was hardly reached: " + slowPaths);
    }
}
