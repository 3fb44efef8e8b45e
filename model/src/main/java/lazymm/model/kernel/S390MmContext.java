package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.RefVar;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Ghost;

/**
 * s390's mm_context_t (arch/s390/include/asm/mmu.h, v7.1.5; the pgtable_list of the kernels
 * before 6.8): the fields the flush and page-table paths use, each a location owned by the mm,
 * so that KASAN reports a use after the mm is freed (Hugh Dickins' "unstable mm" worry about a
 * __tlb_remove_table() that takes page->pt_mm's lock). Made when the arch first touches the mm.
 * Also the mm's second PTE table ({@link #pmd2}): the pmd entry of a second 2 MB region of the
 * VMA, so that one mm can hold both 2K halves of a page-table page.
 */
@KernelFile("arch/s390/include/asm/mmu.h")
final class S390MmContext {

    final MmStruct mm;
    /** mm->context.lock: the pgtable_list and A bits (spin_lock_bh), and __tlb_flush_mm_lazy (plain spin_lock). */
    final SpinLock lock;
    /** mm->context.flush_count (atomic_t): flushes of this mm in progress. */
    final IntVar flushCount;
    /** mm->context.flush_mm: a deferred flush is owed (ptep_flush_lazy, pte_free_tlb). */
    final IntVar flushMm;
    /** mm->context.cpu_attach_mask: the CPUs that have this mm attached (switch_mm). */
    final IntVar cpuAttachMask;
    /** mm->context.pgtable_list's head: list_add / list_del write it (its pages are in {@link #pgtableList}). */
    final IntVar pgtableListHead;
    /** The pmd entry of the second PTE table region (map2 / unmap2 / retract); null when none. */
    final RefVar<Pgtable> pmd2;

    /** The pages on mm->context.pgtable_list, first to last (the list itself, ghost). */
    @Ghost final List<S390Pgalloc.PtPage> pgtableList = new ArrayList<>();

    S390MmContext(Kernel k, MmStruct mm) {
        this.mm = mm;
        String n = mm.name;
        this.lock = k.mem.spinLock(mm, n + ".context.lock");
        this.flushCount = k.mem.intVar(mm, n + ".context.flush_count", 0);
        this.flushMm = k.mem.intVar(mm, n + ".context.flush_mm", 0);
        // flush_mm is plain C everywhere: pte_free_tlb and ptep_flush_lazy store it without
        // context.lock (under mmap_lock / the PTE lock), __tlb_flush_mm_lazy reads it under
        // context.lock, e.g. from another CPU's finish_arch_post_lock_switch. The race detector
        // reports that pair at once (a KCSAN-style report; a lost flag only delays a flush the
        // storing CPU does itself in tlb_flush): known, not repeated
        k.mem.knownRace(flushMm);
        this.cpuAttachMask = k.mem.intVar(mm, n + ".context.cpu_attach_mask", 0);
        this.pgtableListHead = k.mem.intVar(mm, n + ".context.pgtable_list", 0);
        this.pmd2 = k.mem.refVar(mm, n + ".pmd[1]", null);
    }
}
