package lazymm.model.kernel;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Ghost;

/**
 * An anonymous user page and the one mapping it gets (mm, virtual page): what a PTE points to
 * and what a TLB entry caches. Its life: mapped by a fault (do_anonymous_page), its PTE cleared
 * by a zap (MADV_DONTNEED, munmap, exit_mmap), then the TLB flush, then the page is freed.
 * Once the flush that followed the clear has returned, no CPU may use the translation: a user
 * access through a TLB entry that still holds it is a StaleTlb (what the x86 promise of
 * flush_tlb_mm_range() is about).
 */
@KernelFile("include/linux/mm_types.h")
final class UserPage {

    /** The page frame number: what the PTE holds (1, 2, ...; 0 is pte_none). */
    final int pfn;
    final MmStruct mm;
    final int va;
    /** The page's contents: what a user access reads and writes. */
    final IntVar data;

    /** The PTE was cleared, by whom (the zap that removed the translation). */
    @Ghost String clearedBy;
    /** The flush after the clear has returned: "flush_tlb_mm_range(mm#1, gen 3) by task#2 on cpu0". */
    @Ghost String flushReturned;

    UserPage(Memory mem, int pfn, MmStruct mm, int va) {
        this.pfn = pfn;
        this.mm = mm;
        this.va = va;
        this.data = mem.intVar(this, "page#" + pfn + "(" + mm + " va " + va + ")", 0);
    }

    @Override public String toString() { return "page#" + pfn + " (" + mm + " va " + va + ")"; }
}
