package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import lazymm.engine.Explorer;
import lazymm.engine.NeedsAgent;
import lazymm.model.kernel.KernelTarget;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;
import org.junit.jupiter.api.Test;

/**
 * The lock checks of the kernel model (Lockdep): a CPU spinning on a lock it holds itself in the
 * context an interrupt interrupted (Deadlock), and a lock class taken in interrupt context and
 * elsewhere with that interrupt enabled (IrqUnsafeLock, lockdep's "inconsistent lock state").
 * The planted bug: x86's flush IPI handler takes the flushed mm's page-table lock, which the
 * fault path takes with interrupts on. Both reports come out of random exploration: the
 * IrqUnsafeLock whenever the handler takes the lock anywhere after a fault did, the Deadlock when
 * the IPI reaches a CPU inside its own fault's critical section first. The softirq side is
 * S390-BH-DEADLOCK's (KernelS390Test).
 */
@NeedsAgent
class KernelLockTest {

    /** One task faults its pages in again and again, the other zaps them: each zap's flush IPI may land inside a fault. */
    private static final Program FAULTS_AND_ZAPS = Program.parse("user:1 run zap run zap run zap | user:1 run zap run zap run zap");

    private static Violation first(String strategy, long seed, long executions) {
        Config cfg = new Config("plant-ptl-in-irq", "x86", "refcount", "tso", 3);
        Explorer.Outcome o = Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy(strategy).seed(seed).maxExecutions(executions).program(FAULTS_AND_ZAPS), 1e9, null);
        return o.failing() == null ? null : o.failing().violation();
    }

    @Test
    void anIrqHandlerTakingThePageTableLockIsCaughtBothWays() {
        List<String> seen = new ArrayList<>();
        Violation deadlock = null;
        Violation unsafe = null;
        for (long seed = 1; seed <= 200 && (deadlock == null || unsafe == null); seed++) {
            Violation v = first(seed % 2 == 0 ? "pct" : "random", seed, 20_000);
            assertNotNull(v, "plant-ptl-in-irq: nothing found with seed " + seed);
            seen.add(v.signature());
            if (v.kind().equals("Deadlock") && v.getMessage().contains("holds it itself")) deadlock = v;
            if (v.kind().equals("IrqUnsafeLock")) unsafe = v;
        }
        assertNotNull(deadlock, "no self-deadlock among " + seen);
        assertNotNull(unsafe, "no IrqUnsafeLock among " + seen);
        assertTrue(deadlock.getMessage().contains("page_table_lock") && deadlock.getMessage().contains("flush_tlb_func"),
                deadlock.toString());
        assertTrue(unsafe.signature().startsWith("IrqUnsafeLock:mm->page_table_lock:flush_tlb_func+"), unsafe.toString());
    }
}
