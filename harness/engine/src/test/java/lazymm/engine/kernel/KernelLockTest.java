package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * S390-BH-DEADLOCK's (KernelS390Test). And lockdep_sys_exit(): a task back in user space holds no
 * lock, here an RCU read-side section membarrier's scan left open (MUT-73956fc07dd7).
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

    /** Two threads of one process, one registers and runs PRIVATE_EXPEDITED: membarrier's scan of rq->curr. */
    private static final Program PRIVATE_EXPEDITED = Program.parse("user:2 mbreg | user:2 mbslow | user:2");

    private static Explorer.Outcome membarrier(String variant, long executions) {
        Config cfg = new Config(variant, "x86", "refcount", "tso", 3);
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy("random").seed(1).maxExecutions(executions).program(PRIVATE_EXPEDITED), 1e9, null);
    }

    @Test
    void aReadSideSectionLeftOpenIsReportedOnTheWayBackToUserSpace() {
        Explorer.Outcome leak = membarrier("MUT-73956fc07dd7", 2_000);
        assertNotNull(leak.failing(), "v5.4-rc1's stray rcu_read_lock() not reported");
        Violation v = leak.failing().violation();
        assertTrue(v.signature().equals("Warn:lockdep_sys_exit") && v.getMessage().contains("rcu_read_lock"), v.toString());
        assertNull(membarrier("membarrier", 2_000).failing(), "today's scan leaves an RCU section open");
    }
}
