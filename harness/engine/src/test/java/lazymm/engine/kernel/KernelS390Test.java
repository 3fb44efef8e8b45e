package lazymm.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The s390 model: the 2K page-table fragments of the kernels before 6.8 and their oracle
 * (PgtableFragment), the lock checks on mm->context.lock (seed 002), and the correct versions
 * staying quiet. The broken variants are also found from scratch in KernelExploreTest.
 */
@NeedsAgent
class KernelS390Test {

    private static Explorer.Outcome explore(String variant, String strategy, long seed, long executions, Program program) {
        Config cfg = new Config(variant, "s390", "refcount", "tso", 3);
        return Explorer.explore(Explorer.Settings.of(new KernelTarget(), cfg)
                .strategy(strategy).seed(seed).maxExecutions(executions).program(program), 1e9, null);
    }

    /**
     * S390-ALLOC-P in one task: the first region's table takes the lower half of a fresh page,
     * the second region's the upper; munmap of the second region leaves the upper half pending
     * (P) with the page back on pgtable_list; faulting the region in again, page_table_alloc
     * without the P check hands the pending half out: 0x21 becomes 0x23.
     */
    @Test
    void allocIgnoringPendingBitsWritesTheImpossibleByte() {
        Explorer.Outcome o = explore("S390-ALLOC-P", "random", 1, 1_000, Program.parse("user:1 run map2 unmap2 map2"));
        assertNotNull(o.failing(), "S390-ALLOC-P: nothing found");
        Violation v = o.failing().violation();
        assertEquals("PgtableFragment:page_table_alloc", v.signature(), v.toString());
        assertTrue(v.getMessage().contains("0x23"), v.toString());
        // the same program on the fixed code (v6.5) takes a fresh page instead
        assertNull(explore("s390-frag", "random", 1, 200, Program.parse("user:1 run map2 unmap2 map2")).failing());
    }

    /**
     * S390-FRAG-RACE: one task munmaps the second region (its half's __tlb_remove_table runs
     * later, on that CPU, in softirq), the other retracts the first region (page_table_free of the
     * other half, directly). Without c2c224932fd0's temporary P bit, the callback sees the byte
     * reach 0 between page_table_free's xor and its list_del, and frees the listed page.
     */
    @Test
    void pageTableFreeWithoutTheTemporaryPBitLetsTheCallbackFreeAListedPage() {
        Program p = Program.parse("user:1 run map2 unmap2 | user:1 run map2 retract");
        Explorer.Outcome o = explore("S390-FRAG-RACE", "random", 1, 200_000, p);
        assertNotNull(o.failing(), "S390-FRAG-RACE: nothing found in " + o.executions() + " executions");
        Violation v = o.failing().violation();
        assertEquals("PgtableFragment:__tlb_remove_table", v.signature(), v.toString());
        assertTrue(v.getMessage().contains("freed while on its mm's context.pgtable_list"), v.toString());
        Explorer.Outcome fixed = explore("s390-frag", "random", 1, 20_000, p);
        assertNull(fixed.failing(), () -> "s390-frag: " + fixed.failing().violation());
    }

    /**
     * S390-BH-DEADLOCK on a program where the hang can happen: the grace period of the first
     * task's munmap ends when the other process's task leaves a kernel path, with luck while the
     * first task holds mm->context.lock in its zap's flush (about one seed in five).
     */
    private static final Program ZAPS_AND_MUNMAPS =
            Program.parse("user:1 run map2 unmap2 zap run zap | user:2 run map2 munmap run map2 munmap");

    /** The first violation of {@code kind} over seeds 1, 2, ... (random and PCT in turn), and what came instead. */
    private static Violation firstOfKind(String kind, List<String> seen) {
        for (long seed = 1; seed <= 100; seed++) {
            Explorer.Outcome o = explore("S390-BH-DEADLOCK", seed % 2 == 0 ? "pct" : "random", seed, 50, ZAPS_AND_MUNMAPS);
            assertNotNull(o.failing(), "S390-BH-DEADLOCK: nothing found with seed " + seed);
            Violation v = o.failing().violation();
            if (v.kind().equals(kind)) return v;
            seen.add(v.signature());
        }
        return null;
    }

    /**
     * Gerald Schaefer's hang: the task's zap flushes (tlb_flush -> __tlb_flush_mm_lazy) holding
     * mm->context.lock with a plain spin_lock; the tick at that moment runs the RCU callback of
     * its earlier munmap, __tlb_remove_table, which spins on the same lock from softirq on the
     * same CPU.
     */
    @Test
    void hughsRelinkingUnderTheContextLockDeadlocksInSoftirq() {
        List<String> seen = new ArrayList<>();
        Violation v = firstOfKind("Deadlock", seen);
        assertNotNull(v, "no Deadlock; found instead " + seen);
        assertEquals("Deadlock:__tlb_remove_table<-__tlb_flush_mm_lazy", v.signature(), v.toString());
        assertTrue(v.getMessage().contains("(softirq)") && v.getMessage().contains("context.lock"), v.toString());
    }

    /**
     * ... and when the callback runs at another moment, what lockdep would have said without the
     * hang: mm->context.lock is taken in softirq (__tlb_remove_table) and with softirqs enabled
     * (__tlb_flush_mm_lazy).
     */
    @Test
    void hughsRelinkingUnderTheContextLockIsAnIrqUnsafeLockWithoutTheHang() {
        List<String> seen = new ArrayList<>();
        Violation v = firstOfKind("IrqUnsafeLock", seen);
        assertNotNull(v, "no IrqUnsafeLock; found instead " + seen);
        assertEquals("IrqUnsafeLock:mm->context.lock:__tlb_remove_table+__tlb_flush_mm_lazy", v.signature(), v.toString());
        assertTrue(v.getMessage().contains("{SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W}"), v.toString());
    }

    /**
     * Gerald Schaefer's answer in seed 002, every user of mm->context.lock with spin_lock_bh
     * ({@code s390-hugh-bh}, not in the catalog): on the same programs neither the hang nor the
     * lockdep report remains. (Hugh Dickins' other worry, __tlb_remove_table taking the lock of
     * an mm already freed, needs the mm's exit to fit between the callback's look at the A bits
     * and its spin_lock_bh: none in 60 s of random search.)
     */
    @Test
    void hughsPatchWithSpinLockBhEverywhereHasNeitherReport() {
        for (Program p : new Program[] {ZAPS_AND_MUNMAPS, null}) {
            Explorer.Outcome o = explore("s390-hugh-bh", "random", 3, 2_000, p);
            assertNull(o.failing(), () -> "s390-hugh-bh: " + o.failing().violation() + "\n  program " + o.program());
        }
    }

    /** The correct versions stay quiet: v6.5 with c2c224932fd0, v6.6's pte_free_defer, v6.8's 4K tables. */
    @ParameterizedTest(name = "{0} by {1}")
    @CsvSource({"s390-frag, random", "s390-frag, pct", "s390-pte-free-defer, random", "s390-pte-free-defer, pct",
            "s390-4k, random", "s390-4k, pct"})
    void correctVersionsStayQuiet(String variant, String strategy) {
        Explorer.Outcome o = explore(variant, strategy, 5, 3_000, null);
        assertNull(o.failing(), () -> variant + ": " + o.failing().violation() + "\n  program " + o.program());
        assertEquals(3_000, o.executions());
    }

    /** Today's kernel on s390 (v7.1.5, with its membarrier users) stays quiet too. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"random", "pct"})
    void upstreamOnS390StaysQuiet(String strategy) {
        Explorer.Outcome o = explore("upstream", strategy, 5, 3_000, null);
        assertNull(o.failing(), () -> "upstream on s390: " + o.failing().violation() + "\n  program " + o.program());
    }
}
