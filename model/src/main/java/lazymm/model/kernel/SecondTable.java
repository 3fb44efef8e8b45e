package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A second PTE table of an mm: the page tables of a second 2 MB region of the VMA, so that one
 * mm can hold two PTE tables at once, the two 2K halves of one s390 page-table page (mm/memory.c,
 * mm/vma.c and mm/khugepaged.c, v7.1.5; the khugepaged path of the version the s390 variant
 * names). The program operations:
 * <ul>
 *   <li>{@code map2}: user code touching the region's pages: the fault allocates its PTE table
 *       (pte_alloc -> page_table_alloc) and maps fresh pages;
 *   <li>{@code unmap2}: munmap() of the region: the PTEs cleared, the pmd cleared, pte_free_tlb
 *       (page_table_free_rcu), the flush, then tlb_remove_table's RCU callback
 *       (__tlb_remove_table); the region can be faulted in again (as if mmap()ed again);
 *   <li>{@code retract}: khugepaged collapsing the first region, the one {@code run} uses
 *       (retract_page_tables / collapse_pte_mapped_thp; MADV_COLLAPSE runs it in the caller):
 *       the pmd cleared and the TLB flushed (pmdp_collapse_flush), then the table freed:
 *       pte_free_defer() since v6.6, before that collapse_and_free_pmd()'s pte_free(). The PTEs
 *       are cleared with it (the model's pages are anonymous; khugepaged's are file pages that
 *       stay in the page cache); the next {@code run} faults a fresh table in. So one mm frees
 *       tables all three ways: directly (retract before v6.6), by tlb_remove_table (unmap2,
 *       munmap, exit), and by pte_free_defer (retract since v6.6).
 * </ul>
 * munmap() and exit_mmap() tear the region down with the rest of the VMA. The region's pages are
 * not reached by the MMU's user accesses of {@code run} (the translation covers the first
 * region): what matters here is the life of the table. Left out: mmap_lock (the page-table lock
 * stands for it, as in {@link UserMm}), the pmd_install race (the table is allocated under it),
 * tlb_remove_table_sync_one's IPIs.
 */
@KernelFile("mm/memory.c")
final class SecondTable {

    private final Kernel k;

    SecondTable(Kernel k) { this.k = k; }

    private S390MmContext ctx(MmStruct mm) { return ((ArchS390) k.arch).ctx(mm); }

    /** map2: handle_mm_fault() on the second region. */
    void fault(MmStruct mm) {
        S390MmContext c = ctx(mm);
        k.mem.spinLock(mm.ptl);
        if (!mm.vma) {
            k.mem.spinUnlock(mm.ptl);
            return;  // bad_area: SIGSEGV
        }
        Pgtable t = k.mem.read(c.pmd2);
        if (t == null) {
            t = k.arch.pteAllocOne(mm);  // pte_alloc_one()
            k.mem.smpWmb();  // pmd_install(); pairs with: the hardware walk's dependent read of the PTEs
            k.mem.writeOnce(c.pmd2, t);  // pmd_populate()
        }
        for (int va = 0; va < MmStruct.USER_PAGES; va++) {
            if (k.mem.readOnce(t.pte[va]) == 0) {
                UserPage p = k.newPage(mm, MmStruct.USER_PAGES + va);
                k.mem.smpWmb();
                k.mem.writeOnce(t.pte[va], p.pfn);  // set_pte_at()
            }
        }
        k.mem.spinUnlock(mm.ptl);
    }

    /** unmap2: munmap() of the second region. */
    void munmap(MmStruct mm) {
        List<UserPage> zapped = new ArrayList<>();
        List<Pgtable> tables = new ArrayList<>();
        k.userMm.tlbGatherMmu(mm);
        k.mem.spinLock(mm.ptl);
        if (mm.vma) unmapAndFreePgtable(mm, "munmap", zapped, tables);
        k.mem.spinUnlock(mm.ptl);
        k.userMm.tlbFinishMmu(mm, MmStruct.USER_PAGES, 2 * MmStruct.USER_PAGES, tables, zapped);
    }

    /** The region's part of unmap_vmas() and free_pgtables() (under the page-table lock). */
    void unmapAndFreePgtable(MmStruct mm, String who, List<UserPage> zapped, List<Pgtable> tables) {
        if (((ArchS390) k.arch).peekCtx(mm) == null) return;  // the arch never touched the mm: no second table
        S390MmContext c = ctx(mm);
        Pgtable t = k.mem.read(c.pmd2);
        if (t == null) return;
        for (int va = 0; va < MmStruct.USER_PAGES; va++) k.userMm.zapPte(t, va, who, zapped);
        k.mem.writeOnce(c.pmd2, null);  // pmd_clear()
        k.arch.pteFreeTlb(mm, t);       // pte_free_tlb()
        tables.add(t);
    }

    /** retract: khugepaged's retract_page_tables() of the first region. */
    void retract(MmStruct mm) {
        List<UserPage> zapped = new ArrayList<>();
        k.mem.spinLock(mm.ptl);
        Pgtable t = mm.vma ? k.mem.read(mm.pmd) : null;
        if (t == null) {
            k.mem.spinUnlock(mm.ptl);
            return;
        }
        for (int va = 0; va < MmStruct.USER_PAGES; va++) k.userMm.zapPte(t, va, "retract", zapped);
        k.mem.writeOnce(mm.pmd, null);  // pmdp_collapse_flush(): pmdp_huge_get_and_clear() ...
        k.mem.spinUnlock(mm.ptl);
        String flush = k.arch.flushTlbMmRange(mm, 0, MmStruct.USER_PAGES, true);  // ... flush_tlb_range()
        for (UserPage p : zapped) p.flushReturned = flush;
        t.freed = true;
        t.freedBy = "cpu" + k.smpProcessorId() + " (" + k.current() + ") after " + flush;
        k.arch.pteFreeDefer(mm, t);  // pte_free_defer() (v6.6+), pte_free() before
    }
}
