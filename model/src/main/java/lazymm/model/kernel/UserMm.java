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
@KernelFile("mm/memory.c")
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

    /**
     * madvise(MADV_DONTNEED) of page 0: zap_page_range_single() in a gather; the VMA and the page
     * table stay. Under mmap_lock held for read, so two threads may zap at once: the second finds
     * the PTEs cleared and has nothing of its own to flush, which is what mm->tlb_flush_pending is
     * for (tlb_finish_mmu). Without the VMA (munmap removed it) it fails with -ENOMEM, no gather.
     */
    void madviseDontneed(MmStruct mm) {
        List<UserPage> zapped = new ArrayList<>();
        boolean gather = mm.vma;  // find_vma() under mmap_lock (a ghost read: the model has no mmap_lock)
        if (gather) tlbGatherMmu(mm);
        k.mem.spinLock(mm.ptl);
        Pgtable t = mm.vma ? k.mem.read(mm.pmd) : null;
        if (t != null) zapPte(t, 0, "madvise(MADV_DONTNEED)", zapped);
        mm.gatherPending.addAll(zapped);
        List<UserPage> seen = clearedIn(mm, 0, 1);
        k.mem.spinUnlock(mm.ptl);
        if (!gather) return;  // -ENOMEM
        tlbFinishMmu(mm, 0, 1, List.of(), zapped);
        zapReturned(seen, "madvise(MADV_DONTNEED)");
    }

    /**
     * munmap() of the whole VMA: unmap_region() (vms_clear_ptes: unmap_vmas, free_pgtables,
     * tlb_finish_mmu), after mmap_lock is downgraded to read: a madvise of the mm may gather at
     * the same time (of another VMA in the kernel; of the one VMA here, which stands for it).
     */
    void munmap(MmStruct mm) {
        List<UserPage> zapped = new ArrayList<>();
        boolean gather = mm.vma;  // the VMA found under mmap_lock held for write (a ghost read)
        if (gather) tlbGatherMmu(mm);
        k.mem.spinLock(mm.ptl);
        if (!mm.vma) {
            k.mem.spinUnlock(mm.ptl);
            if (gather) decTlbFlushPending(mm);  // another munmap detached it meantime (the model has no mmap_lock to wait on)
            return;  // -EINVAL-free no-op: nothing is mapped there any more
        }
        mm.vma = false;  // vms_clear_ptes() after the VMA is detached
        List<Pgtable> tables = new ArrayList<>();
        unmapAndFreePgtables(mm, "munmap", zapped, tables);
        if (k.arch.secondTable()) k.table2.unmapAndFreePgtable(mm, "munmap", zapped, tables);
        mm.gatherPending.addAll(zapped);
        List<UserPage> seen = clearedIn(mm, 0, MmStruct.USER_PAGES);
        k.mem.spinUnlock(mm.ptl);
        tlbFinishMmu(mm, 0, MmStruct.USER_PAGES, tables, zapped);
        zapReturned(seen, "munmap");
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
        finishGather(mm, 0, Arch.TLB_FLUSH_ALL, tables, zapped, false);  // tlb->fullmm: x86's tlb_flush() flushes everything
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
     * tlb_gather_mmu(): inc_tlb_flush_pending(mm) before any PTE is changed. Its atomic_inc() is
     * ordered by the PTL: a zapper that sees a PTE this gather cleared took the lock after this
     * one released it, so it sees the increment too (include/linux/mm_types.h). The model's
     * counter is a ghost (MmStruct.tlbFlushPending): the increment takes effect before the lock,
     * mm_tlb_flush_nested() reads it with the unlock before it and the decrement comes with the
     * flush's last step: each an interleaving the kernel allows, and the PTL's order holds by
     * construction (a weak-memory reordering of the counter is not explored). exit_mmap's
     * tlb_gather_mmu_fullmm() increments too; the model leaves that out: no other user of the mm
     * is left to gather beside it.
     */
    void tlbGatherMmu(MmStruct mm) {
        if (!k.kc.has(Patch.TLB_FLUSH_PENDING_GATHER)) return;  // PATCH: 99baac21e458: before it, no inc_tlb_flush_pending() in tlb_gather_mmu()
        mm.tlbFlushPending++;  // inc_tlb_flush_pending(): atomic_inc()
    }

    /** dec_tlb_flush_pending(): atomic_dec(), after the flush. */
    private void decTlbFlushPending(MmStruct mm) {
        if (!k.kc.has(Patch.TLB_FLUSH_PENDING_GATHER)) return;  // PATCH: 99baac21e458: before it, no dec_tlb_flush_pending() in tlb_finish_mmu()
        mm.tlbFlushPending--;  // atomic_dec()
    }

    /** mm_tlb_flush_nested(): atomic_read(&mm->tlb_flush_pending) > 1, another gather is under way. */
    private boolean mmTlbFlushNested(MmStruct mm) {
        return mm.tlbFlushPending > 1;  // atomic_read()
    }

    /**
     * tlb_finish_mmu() -> tlb_flush_mmu(): flush the TLBs (tlb_flush -> flush_tlb_mm_range with
     * freed_tables when a page table goes), then free the pages and the page table, then
     * dec_tlb_flush_pending(). When another gather of the mm is under way (mm_tlb_flush_nested),
     * this one may have found PTEs that one cleared and not flushed them: it flushes everything,
     * as a full-mm gather with freed_tables (the arch's tlb_flush() of a fullmm gather).
     */
    void tlbFinishMmu(MmStruct mm, long start, long end, List<Pgtable> tables, List<UserPage> zapped) {
        finishGather(mm, start, end, tables, zapped, true);
    }

    /** tlb_finish_mmu() of a gather that incremented tlb_flush_pending ({@code pending}), or of exit_mmap's (see tlbGatherMmu). */
    private void finishGather(MmStruct mm, long start, long end, List<Pgtable> tables, List<UserPage> zapped, boolean pending) {
        boolean freedTables = !tables.isEmpty();  // tlb->freed_tables
        boolean cleared = !zapped.isEmpty();      // tlb->cleared_ptes
        if (pending && k.kc.has(Patch.TLB_FLUSH_PENDING_GATHER) && mmTlbFlushNested(mm)) {  // PATCH: 99baac21e458: before it, no forced flush
            if (k.kc.has(Patch.TLB_NESTED_FULLMM)) {  // PATCH: 7a30df49f63a
                end = Arch.TLB_FLUSH_ALL;  // PATCH: 7a30df49f63a: tlb->fullmm = 1; __tlb_reset_range(tlb) (start = end = ~0)
                start = 0;
                freedTables = true;  // PATCH: 7a30df49f63a: tlb->freed_tables = 1
            } else {  // PATCH: 7a30df49f63a: __tlb_reset_range(tlb); __tlb_adjust_range(tlb, start, end - start);
                freedTables = false;  // PATCH: 7a30df49f63a: the reset clears freed_tables (and cleared_*)
                cleared = true;  // PATCH: 7a30df49f63a: v5.1's tlb_flush_mmu_tlbonly() flushed whenever tlb->end was set
            }
        }
        if (!cleared && !freedTables) {  // tlb_flush_mmu_tlbonly(): nothing was cleared
            if (pending) decTlbFlushPending(mm);
            return;
        }
        String flush = k.arch.flushTlbMmRange(mm, start, end, freedTables);
        // The frees are ghost marks, not kfree(): what reads these pages afterwards is the
        // hardware (a TLB hit, a page walk), which KASAN does not see; the MMU's oracle does.
        for (UserPage p : zapped) p.flushReturned = flush;  // free_pages_and_swap_cache()
        mm.gatherPending.removeAll(zapped);
        for (Pgtable table : tables) {
            if (!k.kc.has(Patch.TLB_REMOVE_TABLE_CONCURRENT) && table.freed) continue;  // PATCH: a6f572084fbe: before it, freed already by tlb_remove_table()
            table.freed = true;  // tlb_remove_table() -> __tlb_remove_table(): the page-table page is freed
            table.freedBy = "cpu" + k.smpProcessorId() + " (" + k.current() + ") after " + flush;
        }
        if (!tables.isEmpty()) k.arch.tlbTableFlush(mm, tables);  // tlb_flush_mmu_free() -> tlb_table_flush()
        if (pending) decTlbFlushPending(mm);
    }

    /**
     * The pages of [start, end) whose PTEs a gather cleared and has not flushed yet, as a zapper
     * sees them under the PTL: this one's and those another thread's zap cleared before it.
     */
    private List<UserPage> clearedIn(MmStruct mm, int start, int end) {
        List<UserPage> out = new ArrayList<>();
        for (UserPage p : mm.gatherPending) if (p.va >= start && p.va < end) out.add(p);
        return out;
    }

    /**
     * The caller's promise (the StaleTlb oracle's): once madvise(MADV_DONTNEED) or munmap()
     * returns, no CPU may use a translation of the range that was cleared when the call looked
     * at the PTEs ({@code seen}, under the PTL), whoever cleared it: a thread's write after the
     * call must reach a fresh page, not the old one through a TLB entry another zapper has not
     * flushed yet (99baac21e458). A PTE cleared after the call looked is not its promise.
     */
    private void zapReturned(List<UserPage> seen, String call) {
        String what = call + " of " + k.current() + " on cpu" + k.smpProcessorId();
        for (UserPage p : seen) if (p.flushReturned == null) p.flushReturned = what;
    }

    /**
     * folio_mkclean() of page 0 of {@code mm} (mm/rmap.c: page_mkclean_one() ->
     * page_vma_mkclean_one()), as writeback runs it from msync() or fsync() in a task of another
     * process: the rmap walk finds the VMA while it is linked (munmap and exit_mmap take it away
     * under the lock here; the kernel's i_mmap lock), and under the PTE lock that
     * page_vma_mapped_walk() takes: ptep_clear_flush() (mm/pgtable-generic.c: ptep_get_and_clear(),
     * then flush_tlb_page(), a one-page flush_tlb_mm_range() of the mm without freed tables, when
     * the PTE was present), then set_pte_at() of the same page, write-protected and clean (the
     * model has neither bit: every mapped page counts as dirty). x86 only: the generic
     * ptep_clear_flush(). The flushing CPU may run another mm and be left in this one's
     * mm_cpumask: the kernel test robot's and syzbot's path to 953753db887f's WARN.
     */
    void pageMkcleanOne(MmStruct mm) {
        k.mem.spinLock(mm.ptl);
        Pgtable t = mm.vma ? k.mem.read(mm.pmd) : null;  // the VMA (a ghost read, as munmap's) and its page table
        int pfn = t == null ? 0 : k.arch.ptepGetAndClear(mm, t, 0, false);
        if (pfn != 0) {
            k.arch.flushTlbMmRange(mm, 0, 1, false);  // flush_tlb_page(vma, address)
            k.mem.writeOnce(t.pte[0], pfn);           // set_pte_at(): pte_wrprotect(pte_mkclean(entry))
        }
        k.mem.spinUnlock(mm.ptl);
    }
}
