package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The user address space and its page tables (v7.1.5): what user code does to memory and what
 * tears mappings down. Follows mm/memory.c (handle_mm_fault -> do_anonymous_page with pte_alloc /
 * pmd_install; zap_pte_range), mm/madvise.c (MADV_DONTNEED: zap_page_range_single), mm/vma.c and
 * mm/mmap.c (munmap's unmap_region, exit_mmap: unmap_vmas, free_pgtables) and mm/mmu_gather.c
 * (tlb_finish_mmu: the TLB flush, then the pages and page tables are freed). The order that
 * matters is kept: PTEs cleared under the page-table lock, the pmd cleared, the flush, and only
 * then the frees.
 *
 * <p>Left out: mmap_lock (the page-table lock serializes faults, zaps and munmap of one mm), VMA
 * splitting (one VMA of two pages), swap, rmap, MMU_GATHER_RCU_TABLE_FREE's grace period before a
 * page table is freed (x86 selects it; it only delays the free further, after the flush), the
 * batching of mmu_gather, huge pages.
 */
final class UserMm {

    private final Kernel k;

    UserMm(Kernel k) { this.k = k; }

    // ---- user code ----

    /**
     * User code (or a kthread's copy_to_user on its used mm) touching every page of its VMA:
     * each access is one instruction, translated by the MMU (a TLB hit or a walk) and, on a fault,
     * retried once after handle_mm_fault (SIGSEGV when the VMA is gone: the program goes on).
     */
    void userAccess(MmStruct mm) {
        for (int va = 0; va < MmStruct.USER_PAGES; va++) {
            if (!access(mm, va) && handleMmFault(mm, va)) access(mm, va);
        }
    }

    /** One user instruction on page {@code va}; false on a page fault. Interrupts come between instructions. */
    private boolean access(MmStruct mm, int va) {
        boolean was = k.localIrqSave();  // an instruction is not interrupted halfway (no kernel semantics)
        UserPage p = k.arch.translate(mm, va);
        if (p != null) {
            k.mem.writeOnce(p.data, k.smpProcessorId() + 1);
            k.arch.checkUsed(p, va);  // the translation was still valid when the access happened
        }
        k.localIrqRestore(was);
        return p != null;
    }

    /** handle_mm_fault() -> do_anonymous_page(): map a fresh zeroed page; false if there is no VMA. */
    boolean handleMmFault(MmStruct mm, int va) {
        k.mem.spinLock(mm.ptl);
        if (!mm.vma) {
            k.mem.spinUnlock(mm.ptl);
            return false;  // bad_area: SIGSEGV
        }
        Pgtable t = k.mem.read(mm.pmd);
        if (t == null) {
            t = k.arch.pteAllocOne(mm);  // pte_alloc_one()
            /*
             * Ensure all pte setup (eg. pte page lock and page clearing) are
             * visible before the pte is made visible to other CPUs by being
             * put into page tables.
             */
            k.mem.smpWmb();  // pmd_install(); pairs with: the hardware walk's dependent read of the PTEs
            k.mem.writeOnce(mm.pmd, t);  // pmd_populate()
        }
        if (k.mem.readOnce(t.pte[va]) == 0) {
            UserPage p = k.newPage(mm, va);  // alloc_anon_folio(); __folio_mark_uptodate(): its smp_wmb
            k.mem.smpWmb();
            k.mem.writeOnce(t.pte[va], p.pfn);  // set_pte_at()
        }
        k.mem.spinUnlock(mm.ptl);
        return true;
    }

    // ---- tearing mappings down ----

    /** madvise(MADV_DONTNEED) of page 0: zap_page_range_single(); the VMA and the page table stay. */
    void madviseDontneed(MmStruct mm) {
        List<UserPage> zapped = new ArrayList<>();
        k.mem.spinLock(mm.ptl);
        Pgtable t = mm.vma ? k.mem.read(mm.pmd) : null;
        if (t != null) zapPte(t, 0, "madvise(MADV_DONTNEED)", zapped);
        k.mem.spinUnlock(mm.ptl);
        tlbFinishMmu(mm, 0, 1, List.of(), zapped);
    }

    /** munmap() of the whole VMA: unmap_region(): unmap_vmas, free_pgtables, tlb_finish_mmu. */
    void munmap(MmStruct mm) {
        List<UserPage> zapped = new ArrayList<>();
        k.mem.spinLock(mm.ptl);
        if (!mm.vma) {
            k.mem.spinUnlock(mm.ptl);
            return;  // -EINVAL-free no-op: nothing is mapped there any more
        }
        mm.vma = false;  // vms_clear_ptes() after the VMA is detached
        List<Pgtable> tables = new ArrayList<>();
        unmapAndFreePgtables(mm, "munmap", zapped, tables);
        if (k.arch.secondTable()) k.table2.unmapAndFreePgtable(mm, "munmap", zapped, tables);
        k.mem.spinUnlock(mm.ptl);
        tlbFinishMmu(mm, 0, MmStruct.USER_PAGES, tables, zapped);
    }

    /** exit_mmap(): the last user is gone; tear everything down with a full-mm gather. */
    void exitMmap(MmStruct mm) {
        List<UserPage> zapped = new ArrayList<>();
        k.mem.spinLock(mm.ptl);
        mm.vma = false;
        List<Pgtable> tables = new ArrayList<>();
        unmapAndFreePgtables(mm, "exit_mmap", zapped, tables);
        if (k.arch.secondTable()) k.table2.unmapAndFreePgtable(mm, "exit_mmap", zapped, tables);
        k.mem.spinUnlock(mm.ptl);
        tlbFinishMmu(mm, 0, Arch.TLB_FLUSH_ALL, tables, zapped);  // tlb->fullmm: x86's tlb_flush() flushes everything
    }

    /** unmap_vmas() then free_pgtables(): clears the PTEs and the pmd; adds the table to free after the flush. */
    private void unmapAndFreePgtables(MmStruct mm, String who, List<UserPage> zapped, List<Pgtable> tables) {
        Pgtable t = k.mem.read(mm.pmd);
        if (t == null) return;
        for (int va = 0; va < MmStruct.USER_PAGES; va++) zapPte(t, va, who, zapped);
        k.mem.writeOnce(mm.pmd, null);  // free_pgd_range() -> pmd_clear(); the table goes to tlb_remove_table()
        k.arch.pteFreeTlb(mm, t);       // pte_free_tlb(): tlb->freed_tables = 1
        tables.add(t);
        tlbRemoveTable(mm, t, who);
    }

    /**
     * tlb_remove_table(): the table waits on the gather's batch until tlb_finish_mmu() has
     * flushed. Before a6f572084fbe (v4.19) it was freed at once when the mm had fewer than two
     * users ("there cannot be a concurrent page-table walk"), forgetting the CPUs lazily on the
     * mm, whose walkers may still hold the pmd's pointer to it (MUT-a6f572084fbe). s390 had its
     * own tlb_remove_table() then, without the shortcut.
     */
    private void tlbRemoveTable(MmStruct mm, Pgtable t, String who) {
        if (k.kc.has(Patch.TLB_REMOVE_TABLE_CONCURRENT) || k.arch.name().equals("s390")) return;  // PATCH: a6f572084fbe: before it, the early free below
        if (k.mem.atomicRead(mm.mmUsers) < 2) {  // PATCH: a6f572084fbe: if (atomic_read(&tlb->mm->mm_users) < 2)
            t.freed = true;  // PATCH: a6f572084fbe: __tlb_remove_table(table); return;
            t.freedBy = "cpu" + k.smpProcessorId() + " (" + k.current() + ") in " + who + "'s tlb_remove_table(), mm_users < 2, before the flush";  // PATCH: a6f572084fbe
        }
    }

    /** zap_pte_range() for one PTE: ptep_get_and_clear_full(), the page goes on the gather. */
    void zapPte(Pgtable t, int va, String who, List<UserPage> zapped) {
        int pfn = k.arch.ptepGetAndClear(t.mm, t, va, who.equals("exit_mmap"));  // ptep_get_and_clear(): an xchg on x86
        if (pfn == 0) return;
        UserPage p = k.page(pfn);
        p.clearedBy = who + " of " + k.current() + " on cpu" + k.smpProcessorId();
        zapped.add(p);
    }

    /**
     * tlb_finish_mmu() -> tlb_flush_mmu(): flush the TLBs (tlb_flush -> flush_tlb_mm_range with
     * freed_tables when a page table goes), then free the pages and the page table.
     */
    void tlbFinishMmu(MmStruct mm, long start, long end, List<Pgtable> tables, List<UserPage> zapped) {
        if (zapped.isEmpty() && tables.isEmpty()) return;  // tlb_flush_mmu_tlbonly(): nothing was cleared
        String flush = k.arch.flushTlbMmRange(mm, start, end, !tables.isEmpty());
        // The frees are ghost marks, not kfree(): what reads these pages afterwards is the
        // hardware (a TLB hit, a page walk), which KASAN does not see; the MMU's oracle does.
        for (UserPage p : zapped) p.flushReturned = flush;  // free_pages_and_swap_cache()
        for (Pgtable table : tables) {
            if (!k.kc.has(Patch.TLB_REMOVE_TABLE_CONCURRENT) && table.freed) continue;  // PATCH: a6f572084fbe: before it, freed already by tlb_remove_table()
            table.freed = true;  // tlb_remove_table() -> __tlb_remove_table(): the page-table page is freed
            table.freedBy = "cpu" + k.smpProcessorId() + " (" + k.current() + ") after " + flush;
        }
        if (!tables.isEmpty()) k.arch.tlbTableFlush(mm, tables);  // tlb_flush_mmu_free() -> tlb_table_flush()
    }
}
