package lazymm.model.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
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
 *   <li>{@code switchN(m)}: switch_mm_irqs_off() to mm m (a thread of m is scheduled);</li>
 *   <li>{@code lazyN()}: enter_lazy_tlb() (a kthread is scheduled; the CPU keeps the mm);</li>
 *   <li>{@code touchN()}: user code on the loaded mm touches every page (TLB hits, walks, faults);
 *       a lazy CPU instead walks speculatively;</li>
 *   <li>{@code zapN()}, {@code unmapN()}: madvise(MADV_DONTNEED) of a page, munmap of the whole
 *       VMA (its page table is freed), on the loaded mm.</li>
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

    private void switchTo(int cpu, int m) {
        lk.on(cpu);
        k.arch.switchMm(null, mm[m], k.rqs[cpu].idle);
        running[cpu] = m;
    }

    private void lazy(int cpu) {
        lk.on(cpu);
        Rq rq = k.rqs[cpu];
        k.arch.enterLazyTlb(rq.hwMm, rq.idle);
        running[cpu] = 0;
    }

    private void touch(int cpu) {
        lk.on(cpu);
        if (running[cpu] != 0) {
            k.userMm.userAccess(mm[running[cpu]]);
        } else {
            for (int va = 0; va < MmStruct.USER_PAGES; va++) {
                boolean was = k.localIrqSave();
                k.arch.speculativeWalk(va);
                k.localIrqRestore(was);
            }
        }
    }

    private void zap(int cpu, boolean unmap) {
        lk.on(cpu);
        if (running[cpu] == 0) return;
        if (unmap) k.userMm.munmap(mm[running[cpu]]); else k.userMm.madviseDontneed(mm[running[cpu]]);
    }

    @Operation(nonParallelGroup = "cpu1") public void switch1(@Param(name = "mm") int m) { switchTo(1, m); }
    @Operation(nonParallelGroup = "cpu1") public void lazy1() { lazy(1); }
    @Operation(nonParallelGroup = "cpu1") public void touch1() { touch(1); }
    @Operation(nonParallelGroup = "cpu1") public void zap1() { zap(1, false); }
    @Operation(nonParallelGroup = "cpu1") public void unmap1() { zap(1, true); }
    @Operation(nonParallelGroup = "cpu2") public void switch2(@Param(name = "mm") int m) { switchTo(2, m); }
    @Operation(nonParallelGroup = "cpu2") public void lazy2() { lazy(2); }
    @Operation(nonParallelGroup = "cpu2") public void touch2() { touch(2); }
    @Operation(nonParallelGroup = "cpu2") public void zap2() { zap(2, false); }
    @Operation(nonParallelGroup = "cpu2") public void unmap2() { zap(2, true); }

    /** Nothing goes wrong: every operation returns normally. */
    public static class Spec {
        public void switch1(int m) {}
        public void lazy1() {}
        public void touch1() {}
        public void zap1() {}
        public void unmap1() {}
        public void switch2(int m) {}
        public void lazy2() {}
        public void touch2() {}
        public void zap2() {}
        public void unmap2() {}
    }

    @Test
    void linearizable() {
        LincheckKernel.options(Spec.class, 2, 50).check(getClass());
    }

    /** X86-SWITCH-ORDER: loaded_mm = LOADED_MM_SWITCHING stored after the tlb_gen read. */
    public static class Broken extends X86FlushLincheckTest {
        @Override String variant() { return "X86-SWITCH-ORDER"; }
    }

    @Test
    void brokenTwinIsRejected() {
        LincheckAssertionError e = assertThrows(LincheckAssertionError.class,
                () -> LincheckKernel.options(Spec.class, 5, 200).check(Broken.class));
        System.out.println("Lincheck on X86-SWITCH-ORDER:\n" + e.getMessage().lines().limit(40).reduce("", (a, b) -> a + b + "\n"));
        assertTrue(e.getMessage().contains("StaleTlb") || e.getMessage().contains("stale"), e.getMessage());
    }
}
