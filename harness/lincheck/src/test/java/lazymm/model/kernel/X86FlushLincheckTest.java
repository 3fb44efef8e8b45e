package lazymm.model.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * x86 TLB flushing against user accesses (arch/x86/mm/tlb.c as {@link ArchX86} models it, with
 * the hardware TLB of {@link Mmu}): two CPUs switch between two address spaces, go lazy, touch
 * their pages, and zap or unmap them; the zapping CPU's flush_tlb_mm_range() sends its IPIs to
 * the CPUs it must, and waits for them (taken by the waiting CPU on their behalf, see
 * {@link LincheckKernel}). Each operation is the model's code:
 * <ul>
 *   <li>{@code runN(m)}: a thread of mm m runs on CPU N: switch_mm_irqs_off() to m if it is not
 *       loaded, then user code touches every page (TLB hits, walks, faults);</li>
 *   <li>{@code lazyN()}: a kthread runs: enter_lazy_tlb() (the CPU keeps the mm), and the CPU
 *       walks the user page tables it still has loaded, speculatively;</li>
 *   <li>{@code zapN()}, {@code unmapN()}: madvise(MADV_DONTNEED) of a page, munmap of the whole
 *       VMA (its page table is freed), by the thread on CPU N (nothing on a kthread).</li>
 * </ul>
 * Nothing is returned: a stale TLB entry used after its flush returned, or a walk through a freed
 * page table, is the model's StaleTlb report, a result the specification never gives. The
 * Broken twin is X86-SWITCH-ORDER (before fea4e317f9e7, CVE-2025-37964).
 */
@Param(name = "mm", gen = IntGen.class, conf = "1:2")
public class X86FlushLincheckTest {

    String variant() { return "upstream"; }

    private final LincheckKernel lk = new LincheckKernel(variant(), 3, "");
    private final Kernel k = lk.k;
    private final MmStruct[] mm = {null, k.newMm(1), k.newMm(2)};
    /** The mm each CPU runs a thread of (0: a kthread, lazy on what is loaded). */
    private final int[] running = new int[3];

    private void run(int cpu, int m) {
        lk.on(cpu);
        if (running[cpu] != m) k.arch.switchMm(null, mm[m], k.rqs[cpu].idle);
        running[cpu] = m;
        k.userMm.userAccess(mm[m]);
    }

    private void lazy(int cpu) {
        lk.on(cpu);
        Rq rq = k.rqs[cpu];
        k.arch.enterLazyTlb(rq.hwMm, rq.idle);
        running[cpu] = 0;
        for (int va = 0; va < MmStruct.USER_PAGES; va++) {
            boolean was = k.localIrqSave();
            k.arch.speculativeWalk(va);
            k.localIrqRestore(was);
        }
    }

    private void zap(int cpu, boolean unmap) {
        lk.on(cpu);
        if (running[cpu] == 0) return;
        if (unmap) k.userMm.munmap(mm[running[cpu]]); else k.userMm.madviseDontneed(mm[running[cpu]]);
    }

    @Operation(nonParallelGroup = "cpu1") public void run1(@Param(name = "mm") int m) { run(1, m); }
    @Operation(nonParallelGroup = "cpu1") public void lazy1() { lazy(1); }
    @Operation(nonParallelGroup = "cpu1") public void zap1() { zap(1, false); }
    @Operation(nonParallelGroup = "cpu1") public void unmap1() { zap(1, true); }
    @Operation(nonParallelGroup = "cpu2") public void run2(@Param(name = "mm") int m) { run(2, m); }
    @Operation(nonParallelGroup = "cpu2") public void lazy2() { lazy(2); }
    @Operation(nonParallelGroup = "cpu2") public void zap2() { zap(2, false); }
    @Operation(nonParallelGroup = "cpu2") public void unmap2() { zap(2, true); }

    /** Nothing goes wrong: every operation returns normally. */
    public static class Spec {
        public void run1(int m) {}
        public void lazy1() {}
        public void zap1() {}
        public void unmap1() {}
        public void run2(int m) {}
        public void lazy2() {}
        public void zap2() {}
        public void unmap2() {}
    }

    @Test
    void linearizable() {
        LincheckKernel.options(Spec.class, 3, 100).check(getClass());
    }

    /** X86-SWITCH-ORDER: loaded_mm = LOADED_MM_SWITCHING stored after the tlb_gen read. */
    public static class Broken extends X86FlushLincheckTest {
        @Override String variant() { return "X86-SWITCH-ORDER"; }
    }

    /**
     * Lincheck's random scenarios rarely put the five operations this bug needs in order (a CPU
     * leaves mm 1 with its TLB entries cached and comes back while another CPU zaps a page of it),
     * so it gets that program and must find the interleaving: the switch's tlb_gen read before
     * the zapper's increment, its LOADED_MM_SWITCHING store after the zapper's look at loaded_mm.
     */
    static final String[] SWITCH_ORDER_PROGRAM = {"run1(1) run1(2) run1(1)", "run2(1) zap2"};

    /** How the Broken twin is checked (the test and the benchmark): its program, Lincheck finds the interleaving. */
    static ModelCheckingOptions brokenTwinOptions() {
        return LincheckKernel.options(Spec.class, 0, 2000)
                .addCustomScenario(LincheckKernel.scenario(Broken.class, SWITCH_ORDER_PROGRAM));
    }

    @Test
    void brokenTwinIsRejected() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> brokenTwinOptions().check(Broken.class));
        System.out.println("Lincheck on X86-SWITCH-ORDER:\n" + LincheckKernel.trace(e));
        String v = LincheckKernel.violation(e);  // the model's StaleTlb oracle, not an exception of the harness
        assertTrue(v != null && v.contains("stale TLB entry"), e.getMessage());
    }

    /** The same program on today's switch_mm_irqs_off: no interleaving is wrong. */
    @Test
    void theBrokenTwinsProgramIsCleanOnTodaysKernel() {
        LincheckKernel.options(Spec.class, 0, 500)
                .addCustomScenario(LincheckKernel.scenario(X86FlushLincheckTest.class, SWITCH_ORDER_PROGRAM)).check(X86FlushLincheckTest.class);
    }
}
