package lazymm.model.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * s390's 2K page-table fragment allocator (arch/s390/mm/pgalloc.c before 6.8, as
 * {@link S390Pgalloc} models it; the correct version is v6.5's, variant {@code s390-frag}) as a
 * data structure: a set of PTE tables, each half of a 4K page, handed out by
 * {@code page_table_alloc()} and given back by {@code page_table_free()} (directly) or by
 * {@code page_table_free_rcu()} (pte_free_tlb: the half stays pending until the RCU callback's
 * {@code __tlb_remove_table()}). Three slots hold tables: slots 0 and 1 of mm#1 (so one page's
 * two halves can be in use by one mm, from two CPUs), slot 2 of mm#2. Each operation is the
 * model's code on one CPU:
 * <ul>
 *   <li>{@code allocN(s)}: {@code pte_alloc_one()} into slot s if it is empty (false if not);</li>
 *   <li>{@code freeN(s)}: {@code pte_free()} of slot s's table (false if the slot is empty);</li>
 *   <li>{@code freeRcuN(s)}: the munmap path: {@code pte_free_tlb()}, then
 *       {@code tlb_finish_mmu()}'s {@code call_rcu(tlb_remove_table_rcu)} on CPU N (false if
 *       empty);</li>
 *   <li>{@code tickN()}: the tick on CPU N: irq_exit() runs RCU_SOFTIRQ, its ready callbacks
 *       ({@code __tlb_remove_table}). The callbacks also run where the kernel runs softirqs: at
 *       CPU N's {@code spin_unlock_bh()}, and in an interrupt CPU N takes while another CPU
 *       spins on {@code mm->context.lock} ({@link LincheckKernel}).</li>
 * </ul>
 * The specification is the set of slots that hold a table; a table's pending half is invisible
 * to it (it is neither in a slot nor free). What the allocator owes the set is what
 * {@link S390Pgalloc}'s PgtableFragment oracle checks at each step: no half handed out while
 * allocated or pending (reused before the grace period), a legal tracking byte (never 0x13 /
 * 0x23), a page freed once, never while listed or while a half is in use; an oracle that fires
 * is a result the specification never gives. After each execution every table still held is
 * freed, every callback runs, and no page may be left ({@link #quiesce}: the Leak oracle).
 *
 * <p>The RCU grace period: the CPUs run their operations as the idle task, always quiescent, so a
 * callback is ready at once; there are no lockless page-table walkers here whose read-side
 * sections it would wait for. What the race needs is only that the callback runs on one CPU
 * while another is inside page_table_free(), which a grace period does not prevent.
 *
 * <p>Broken twins: S390-FRAG-RACE (c2c224932fd0 reverted: page_table_free clears only the A bit,
 * so the callback on another CPU sees the byte reach 0 before the list_del and frees a listed
 * page) and S390-ALLOC-P (page_table_alloc ignores the P bits and hands out a pending half).
 */
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
public class S390PgallocLincheckTest {

    String variant() { return "s390-frag"; }

    private final LincheckKernel lk = new LincheckKernel(variant(), 3, "");
    private final Kernel k = lk.k;
    private final MmStruct[] mm = {k.newMm(0), k.newMm(0)};
    /** The tables in use: each slot null or its Pgtable, filled and emptied atomically. */
    private final AtomicReferenceArray<Pgtable> slots = new AtomicReferenceArray<>(3);

    {
        for (MmStruct m : mm) ((ArchS390) k.arch).ctx(m);  // mm->context, as init_new_context() makes it
    }

    private MmStruct mmOf(int slot) { return mm[slot < 2 ? 0 : 1]; }

    /**
     * The table goes into the slot after page_table_alloc() (the slot's compareAndSet is where
     * the operation takes effect); if another CPU filled the slot meanwhile, the table is freed
     * again and the operation did nothing.
     */
    private boolean alloc(int cpu, int slot) {
        return lk.op(cpu, () -> {
            if (slots.get(slot) != null) return false;
            Pgtable t = k.arch.pteAllocOne(mmOf(slot));
            k.oracles.checkStep();
            if (slots.compareAndSet(slot, null, t)) return true;
            k.arch.pteFree(mmOf(slot), t);
            k.oracles.checkStep();
            return false;
        });
    }

    /** The table of {@code slot}, taken out of it; null if it holds none. */
    private Pgtable take(int slot) { return slots.getAndSet(slot, null); }

    private boolean free(int cpu, int slot) {
        return lk.op(cpu, () -> {
            Pgtable t = take(slot);
            if (t == null) return false;
            k.arch.pteFree(mmOf(slot), t);
            k.oracles.checkStep();
            return true;
        });
    }

    private boolean freeRcu(int cpu, int slot) {
        return lk.op(cpu, () -> {
            Pgtable t = take(slot);
            if (t == null) return false;
            k.arch.pteFreeTlb(mmOf(slot), t);                // free_pte_range(): pte_free_tlb()
            k.arch.tlbTableFlush(mmOf(slot), List.of(t));    // tlb_finish_mmu(): tlb_table_flush() -> call_rcu()
            k.oracles.checkStep();
            return true;
        });
    }

    private void tick(int cpu) {
        lk.op(cpu, () -> {
            k.handleInterrupts(cpu);  // the timer interrupt: irq_exit() -> invoke_softirq() -> rcu_core()
            k.oracles.checkStep();
        });
    }

    /**
     * After each execution: the tables still in slots are freed, every CPU runs its callbacks,
     * and no page-table page may be left (the model's end-of-program Leak check).
     */
    @Validate
    public void quiesce() {
        if (lk.dead()) return;  // an operation threw: the execution ended there
        for (int s = 0; s < 3; s++) {
            Pgtable t = take(s);
            if (t != null) {
                lk.on(0);
                k.arch.pteFree(mmOf(s), t);
            }
        }
        for (int cpu = 0; cpu < 3; cpu++) {
            lk.on(cpu);
            for (int i = 0; i < 8 && k.rcu.hasCallbacks(cpu); i++) k.handleInterrupts(cpu);
        }
        k.oracles.checkStep();
        k.arch.checkFinal();
    }

    @Operation(nonParallelGroup = "cpu1") public boolean alloc1(@Param(name = "slot") int s) { return alloc(1, s); }
    @Operation(nonParallelGroup = "cpu1") public boolean free1(@Param(name = "slot") int s) { return free(1, s); }
    @Operation(nonParallelGroup = "cpu1") public boolean freeRcu1(@Param(name = "slot") int s) { return freeRcu(1, s); }
    @Operation(nonParallelGroup = "cpu1") public void tick1() { tick(1); }
    @Operation(nonParallelGroup = "cpu2") public boolean alloc2(@Param(name = "slot") int s) { return alloc(2, s); }
    @Operation(nonParallelGroup = "cpu2") public boolean free2(@Param(name = "slot") int s) { return free(2, s); }
    @Operation(nonParallelGroup = "cpu2") public boolean freeRcu2(@Param(name = "slot") int s) { return freeRcu(2, s); }
    @Operation(nonParallelGroup = "cpu2") public void tick2() { tick(2); }

    /** The set of slots that hold a table. */
    public static class Spec {
        private final boolean[] held = new boolean[3];

        public boolean alloc1(int s) { return alloc(s); }
        public boolean free1(int s) { return free(s); }
        public boolean freeRcu1(int s) { return free(s); }
        public void tick1() {}
        public boolean alloc2(int s) { return alloc(s); }
        public boolean free2(int s) { return free(s); }
        public boolean freeRcu2(int s) { return free(s); }
        public void tick2() {}

        private boolean alloc(int s) {
            if (held[s]) return false;
            held[s] = true;
            return true;
        }

        private boolean free(int s) {
            if (!held[s]) return false;
            held[s] = false;
            return true;
        }
    }

    /**
     * The model checking of every test here: {@link LincheckKernel#options}, and as one step each
     * the model's ghost bookkeeping (the lists of fragments, pages and mm contexts, the per-CPU
     * RCU callback list, which call_rcu() touches with interrupts off, lockdep's classes).
     */
    static ModelCheckingOptions options(int iterations, int invocations) {
        ModelCheckingOptions o = LincheckKernel.options(Spec.class, iterations, invocations);
        o = LincheckKernel.atomic(o, S390Pgalloc.class,
                "frag", "newTable", "allocPage", "freePage", "halfFreed", "listAdd", "listDel", "checkFinal");
        o = LincheckKernel.atomic(o, ArchS390.class, "ctx", "peekCtx");
        o = LincheckKernel.atomic(o, Lockdep.class, "lockAcquiring", "lockAcquired");
        return LincheckKernel.atomic(o, Rcu.class, "callRcu", "ready", "softirqPending", "tickWanted", "hasCallbacks");
    }

    @Test
    void linearizable() {
        options(8, 100).check(getClass());
    }

    /** S390-FRAG-RACE: c2c224932fd0 reverted, page_table_free clears only the A bit. */
    public static class FragRace extends S390PgallocLincheckTest {
        @Override String variant() { return "S390-FRAG-RACE"; }
    }

    /** S390-ALLOC-P: page_table_alloc ignores the P bits. */
    public static class AllocP extends S390PgallocLincheckTest {
        @Override String variant() { return "S390-ALLOC-P"; }
    }

    /**
     * The race's program, as KernelS390Test gives the explorer: CPU 1 takes both halves of a
     * page for mm#1 and frees the upper one by RCU; the callback runs on CPU 1 (its tick) while
     * CPU 2 frees the lower half directly.
     */
    static final String[] FRAG_RACE_PROGRAM = {"alloc1(0) alloc1(1) freeRcu1(1) tick1", "free2(0)"};

    /** How the S390-FRAG-RACE twin is checked (the test and LincheckVsExplorerBenchmark): its program. */
    static ModelCheckingOptions fragRaceOptions() {
        return options(0, 1000).addCustomScenario(LincheckKernel.scenario(FragRace.class, FRAG_RACE_PROGRAM));
    }

    /** How the S390-ALLOC-P twin is checked: its program. */
    static ModelCheckingOptions allocPOptions() {
        return options(0, 300).addCustomScenario(LincheckKernel.scenario(AllocP.class, ALLOC_P_PROGRAM));
    }

    @Test
    void fragRaceIsRejected() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> fragRaceOptions().check(FragRace.class));
        System.out.println("Lincheck on S390-FRAG-RACE:\n" + LincheckKernel.summary(e));
        assertTrue(e.getMessage().contains("freed while on its mm's context.pgtable_list"), e.getMessage());
    }

    /** The same program on v6.5 (the temporary P bit): no interleaving is wrong. */
    @Test
    void theFragRaceProgramIsCleanOnV65() {
        options(0, 500)
                .addCustomScenario(LincheckKernel.scenario(S390PgallocLincheckTest.class, FRAG_RACE_PROGRAM))
                .check(S390PgallocLincheckTest.class);
    }

    /**
     * S390-ALLOC-P's program: CPU 1 takes both halves of a page for mm#1 and frees the upper one
     * by RCU; CPU 2 allocates for mm#1. (Lincheck's random scenarios did not put these four in
     * order in 10 x 100 invocations.)
     */
    static final String[] ALLOC_P_PROGRAM = {"alloc1(0) alloc1(1) freeRcu1(1)", "alloc2(2) alloc2(1)"};

    /** S390-ALLOC-P: the pending upper half handed out again (0x21 becomes 0x23). */
    @Test
    void allocPIsRejected() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> allocPOptions().check(AllocP.class));
        System.out.println("Lincheck on S390-ALLOC-P:\n" + LincheckKernel.summary(e));
        assertTrue(e.getMessage().contains("impossible tracking byte"), e.getMessage());
    }

    /** ... and on v6.5, which checks the P bits: a fresh page instead. */
    @Test
    void theAllocPProgramIsCleanOnV65() {
        options(0, 300).addCustomScenario(LincheckKernel.scenario(S390PgallocLincheckTest.class, ALLOC_P_PROGRAM))
                .check(S390PgallocLincheckTest.class);
    }
}
