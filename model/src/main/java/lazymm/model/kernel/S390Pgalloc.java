package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.IntVar;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * arch/s390/mm/pgalloc.c's PTE tables, in the version the variant names ({@link Version}):
 * before 6.8, two 2K PTE tables share one 4K page. Bits 24-31 of page->_refcount are the
 * tracking byte (here {@link PtPage#refcount} holds the byte itself): A bits 0x01 / 0x02, "half
 * allocated", P bits 0x10 / 0x20, "half pending free" (until __tlb_remove_table), and in Hugh
 * Dickins' patch H bits 0x04 / 0x08 ("half's rcu_head queued"). A page with a free half sits on
 * mm->context.pgtable_list; the list and the A bits are under mm->context.lock, taken with
 * spin_lock_bh; __tlb_remove_table, an RCU callback in softirq, is lockless (except in Hugh's
 * patch). Since d08d4e7cd6bf (v6.8, and v7.1.5) each PTE table is a whole page and none of this
 * exists.
 *
 * <p>The oracle (kind PgtableFragment), checked where the code acts: the tracking byte only
 * takes legal values (no bit outside the A, P (and H) bits, A and P of one half exclusive: no
 * 0x13 / 0x23); a half is handed out only when free (never while its RCU free is pending: reuse
 * before the grace period); list_add never adds a listed page, list_del never deletes a deleted
 * one; a page is freed once, never while on pgtable_list, never while a half is allocated or
 * pending, and a pte_free_defer()ed half only after a grace period. Every page is freed by the
 * end of the program (Leak).
 *
 * <p>Left out: pgste (KVM: 4K tables with AA bits), gmap_unlink, CRST tables (pmd / pud / p4d:
 * the model's mm has PTE tables only), page_table_release_check's dump, the dtor / ctor
 * accounting, the GFP_NOWAIT batch failure of tlb_remove_table (tlb_remove_table_one: an IPI
 * sync, then __tlb_remove_table directly).
 */
@KernelFile("arch/s390/mm/pgalloc.c")
final class S390Pgalloc {

    /** Which arch/s390/mm/pgalloc.c. */
    enum Version {
        /** v6.5: 2K fragments with c2c224932fd0's temporary P bit in page_table_free; khugepaged frees with pte_free. */
        V6_5,
        /** S390-FRAG-RACE: c2c224932fd0 reverted: page_table_free clears only the A bit. */
        NO_TEMP_P,
        /** S390-ALLOC-P: v6.5 with page_table_alloc's P-bit check dropped (Hugh Dickins' hunk that Gerald Schaefer questions). */
        ALLOC_NO_P,
        /** S390-BH-DEADLOCK: Hugh Dickins' pte_free_defer patch of seed 002 (__tlb_remove_table relinks under mm->context.lock). */
        HUGH,
        /** v6.6: 8211dad62798, pte_free_defer marks the page PG_active and call_rcu()s the whole page. */
        V6_6,
        /** v6.8+: d08d4e7cd6bf, a full 4K page per PTE table (v7.1.5). */
        V6_8;

        boolean fragments() { return this != V6_8; }

        /**
         * The pgalloc.c the variant's patches make: each version is a set of patches on the 2K
         * fragment code of v6.5, so the patches are asked here once and the code below branches
         * on the version (the markers of the lines themselves name the patch as well).
         */
        static Version of(KConfig kc) {
            if (kc.has(Patch.S390_FULL_PAGE_PTE)) return V6_8;  // PATCH: d08d4e7cd6bf
            if (kc.has(Patch.S390_PTE_FREE_DEFER)) return V6_6;  // PATCH: 8211dad62798
            if (kc.has(Patch.HUGH_S390_PTE_FREE_DEFER)) return HUGH;  // PATCH: hugh-s390-pte-free-defer
            if (kc.has(Patch.HUGH_S390_ALLOC_IGNORES_P)) return ALLOC_NO_P;  // PATCH: hugh-s390-alloc-no-p
            if (!kc.has(Patch.S390_TEMP_P)) return NO_TEMP_P;  // PATCH: c2c224932fd0
            return V6_5;
        }
    }

    /** What each half of a page is, as the oracle sees it. */
    enum Half { FREE, ALLOCATED, PENDING, DEFERRED }

    /** Where page->lru is: never linked, on pgtable_list, list_del'd (poisoned), list_del_init'd (empty). */
    enum Lru { NONE, LISTED, POISONED, INIT }

    /** The struct page of a page-table page. */
    static final class PtPage {
        final String name;
        /** Bits 24-31 of page->_refcount (atomic_xor_bits). */
        final IntVar refcount;
        /** page->lru (and page->rcu_head over it): written by list_add / list_del. */
        final IntVar lru;
        /** page->pt_mm (Hugh's patch: __tlb_remove_table finds the mm's lock through it). */
        final MmStruct ptMm;
        @Ghost Lru lruState = Lru.NONE;
        /** PG_active (v6.6: pte_free_defer used on a half). */
        @Ghost boolean active;
        @Ghost final Half[] half = {Half.FREE, Half.FREE};
        @Ghost boolean freed;
        @Ghost String freedBy;

        PtPage(Kernel k, String name, MmStruct mm) {
            this.name = name;
            this.ptMm = mm;
            this.refcount = k.mem.intVar(this, name + "._refcount", 0);
            k.mem.showAs(refcount, S390Pgalloc::trackingByte);
            this.lru = k.mem.intVar(this, name + ".lru", 0);
        }

        @Override public String toString() { return name; }
    }

    /** A PTE table and where it lives. */
    private record Frag(Pgtable table, PtPage page, int bit) {}

    private final Kernel k;
    private final ArchS390 arch;
    private final Version v;

    @Ghost private final List<Frag> frags = new ArrayList<>();
    @Ghost private final List<PtPage> pages = new ArrayList<>();
    @Ghost private int nextPage = 1;

    S390Pgalloc(Kernel k, ArchS390 arch) {
        this.k = k;
        this.arch = arch;
        this.v = Version.of(k.kc);
    }

    /** The tracking byte as traces show it, e.g. {@code 0x12 (lower P, upper A)}. */
    static String trackingByte(long b) {
        List<String> parts = new ArrayList<>(3);
        for (int bit = 0; bit < 2; bit++) {
            String bits = ((b & (0x01 << bit)) != 0 ? "A" : "") + ((b & (0x10 << bit)) != 0 ? "P" : "")
                    + ((b & (0x04 << bit)) != 0 ? "H" : "");
            if (!bits.isEmpty()) parts.add(half(bit) + " " + bits);
        }
        if ((b & ~0x3FL) != 0) parts.add(String.format("stray 0x%02x", b & ~0x3FL));
        String hex = String.format("0x%02x", b);
        return parts.isEmpty() ? hex : hex + " (" + String.join(", ", parts) + ")";
    }

    private static String half(int bit) { return bit == 0 ? "lower" : "upper"; }

    private Frag frag(Pgtable t) {
        for (Frag f : frags) {
            if (f.table() == t) return f;
        }
        throw new IllegalStateException("not an s390 page table: " + t);
    }

    private static Violation bad(String function, String what) {
        return new Violation("PgtableFragment", function, what + " (in " + Oracles.callers(4) + ")");
    }

    // ---- the tracking byte and the list ----

    /** atomic_xor_bits(&page->_refcount, bits << 24) >> 24: the new byte, which must be legal. */
    private int atomicXorBits(PtPage page, int bits, String function) {
        int now = k.mem.atomicFetchXor(bits, page.refcount) ^ bits;
        int allowed = v == Version.HUGH ? 0x3F : 0x33;
        if ((now & ~allowed) != 0 || (now & 0x11) == 0x11 || (now & 0x22) == 0x22) {
            throw bad(function, String.format("%s: impossible tracking byte 0x%02x after %s xor 0x%02x "
                    + "(an A bit and the P bit of the same half, or a bit outside them)", page, now, function, bits));
        }
        return now;
    }

    private void listAdd(S390MmContext c, PtPage page, boolean tail, String function) {
        if (page.lruState == Lru.LISTED) throw bad(function, "list_add double add: " + page + " is already on " + c.mm + "->context.pgtable_list");
        k.mem.write(page.lru, 1);
        k.mem.write(c.pgtableListHead, k.mem.read(c.pgtableListHead) + 1);
        if (tail) c.pgtableList.add(page); else c.pgtableList.add(0, page);
        page.lruState = Lru.LISTED;
    }

    private void listDel(S390MmContext c, PtPage page, boolean init, String function) {
        if (page.lruState == Lru.POISONED) {
            throw bad(function, "list_del corruption: " + page + "->lru is LIST_POISON (deleted before, not listed since)");
        }
        k.mem.write(page.lru, 0);
        if (page.lruState == Lru.LISTED) {
            k.mem.write(c.pgtableListHead, k.mem.read(c.pgtableListHead) - 1);
            c.pgtableList.remove(page);
        }
        page.lruState = init ? Lru.INIT : Lru.POISONED;
    }

    // ---- pages ----

    private PtPage allocPage(MmStruct mm) {
        PtPage p = new PtPage(k, "ptpage#" + nextPage++ + "(" + mm + ")", mm);  // alloc_page(); pgtable_pte_page_ctor()
        pages.add(p);
        return p;
    }

    /** pgtable_pte_page_dtor(); __free_page(): the checks, then KASAN's free. */
    private void freePage(PtPage page, boolean afterGracePeriod, String function) {
        if (page.freed) throw bad(function, page + " freed twice: before by " + page.freedBy);
        if (page.lruState == Lru.LISTED) throw bad(function, page + " freed while on its mm's context.pgtable_list");
        for (int b = 0; b < 2; b++) {
            Half h = page.half[b];
            if (h == Half.ALLOCATED || h == Half.PENDING || (h == Half.DEFERRED && !afterGracePeriod)) {
                throw bad(function, page + " freed while its " + half(b) + " half is " + h.name().toLowerCase()
                        + (h == Half.DEFERRED ? " (pte_free_defer: before the grace period)" : ""));
            }
            page.half[b] = Half.FREE;
        }
        page.freed = true;
        page.freedBy = function + " on cpu" + k.smpProcessorId();
        k.mem.kfree(page, page.name);
    }

    private Pgtable newTable(PtPage page, int bit, MmStruct mm, String function) {
        Half h = page.half[bit];
        if (h != Half.FREE) {
            throw bad(function, "the " + half(bit) + " half of " + page + " handed out while "
                    + (h == Half.ALLOCATED ? "allocated" : "its free waits for an RCU grace period (reused before the grace period)"));
        }
        page.half[bit] = Half.ALLOCATED;
        Pgtable t = new Pgtable(k.mem, "pgtable#" + k.nextPgtable++ + "(" + mm + ", " + page.name + " " + half(bit) + ")", mm);
        frags.add(new Frag(t, page, bit));
        return t;
    }

    private void halfFreed(Frag f, Half to, String function) {
        Half h = f.page().half[f.bit()];
        if (h != Half.ALLOCATED) throw bad(function, "the " + half(f.bit()) + " half of " + f.page() + " freed while " + h.name().toLowerCase());
        f.page().half[f.bit()] = to;
    }

    // ---- pgalloc.c ----

    /** page_table_alloc(mm): a free half of a listed page, else a fresh page (its lower half). */
    Pgtable pageTableAlloc(MmStruct mm) {
        if (!v.fragments()) return newTable(allocPage(mm), 0, mm, "page_table_alloc");
        S390MmContext c = arch.ctx(mm);
        /* Try to get a fragment of a 4K page as a 2K page table */
        Pgtable table = null;
        k.mem.spinLockBh(c.lock);
        if (k.mem.read(c.pgtableListHead) != 0) {  // !list_empty(&mm->context.pgtable_list)
            PtPage page = c.pgtableList.get(0);
            int mask = k.mem.atomicRead(page.refcount);
            if (v == Version.ALLOC_NO_P || v == Version.HUGH) {
                mask &= 0x03;  // PATCH: hugh-s390-alloc-no-p: "Cannot be on this list if either half pending free" (the WARN_ON_ONCEs left out)
            } else {
                /*
                 * The pending removal bits must also be checked.
                 * Failure to do so might lead to an impossible
                 * value of (i.e 0x13 or 0x23) written to _refcount.
                 */
                mask = (mask | (mask >> 4)) & 0x03;
            }
            if (mask != 0x03) {
                int bit = mask & 1;  /* =1 -> second 2K */
                atomicXorBits(page, 0x01 << bit, "page_table_alloc");
                listDel(c, page, v == Version.V6_6, "page_table_alloc");
                table = newTable(page, bit, mm, "page_table_alloc");
            }
        }
        k.mem.spinUnlockBh(c.lock);
        if (table != null) return table;
        /* Allocate a fresh page */
        PtPage page = allocPage(mm);
        /* Return the first 2K fragment of the page */
        atomicXorBits(page, 0x01, "page_table_alloc");
        table = newTable(page, 0, mm, "page_table_alloc");
        k.mem.spinLockBh(c.lock);
        listAdd(c, page, false, "page_table_alloc");
        k.mem.spinUnlockBh(c.lock);
        return table;
    }

    /** page_table_free(mm, table): pte_free(), the direct free (no grace period). */
    void pageTableFree(MmStruct mm, Pgtable t) { pageTableFree(mm, t, false); }

    private void pageTableFree(MmStruct mm, Pgtable t, boolean deferred) {
        Frag f = frag(t);
        PtPage page = f.page();
        int bit = f.bit();
        halfFreed(f, deferred ? Half.DEFERRED : Half.FREE, "page_table_free");
        if (!v.fragments()) {
            freePage(page, false, "page_table_free");  // pagetable_dtor_free()
            return;
        }
        S390MmContext c = arch.ctx(mm);
        /* Free 2K page table fragment of a 4K page */
        k.mem.spinLockBh(c.lock);
        int mask;
        if (v == Version.NO_TEMP_P || v == Version.HUGH) {
            mask = atomicXorBits(page, 0x01 << bit, "page_table_free");  // PATCH: c2c224932fd0: before it, only the A bit
        } else {
            /*
             * Mark the page for delayed release. The actual release
             * will happen outside of the critical section from this
             * function or from __tlb_remove_table()
             */
            mask = atomicXorBits(page, 0x11 << bit, "page_table_free");
        }
        if ((mask & 0x03) != 0 && !(v == Version.V6_6 && page.active)) {
            listAdd(c, page, false, "page_table_free");
        } else if (v == Version.V6_6) {
            listDel(c, page, true, "page_table_free");  /* If page is on list, now remove it. */
        } else if (v != Version.HUGH || (mask & 0x30) == 0) {  // HUGH: "other half not pending"
            listDel(c, page, false, "page_table_free");
        }
        k.mem.spinUnlockBh(c.lock);
        if (v != Version.NO_TEMP_P && v != Version.HUGH) mask = atomicXorBits(page, 0x10 << bit, "page_table_free");
        if (mask != 0) return;
        release(page, "page_table_free");
    }

    /** The end of page_table_free / __tlb_remove_table: v6.6 defers a PG_active page's free by RCU. */
    private void release(PtPage page, String function) {
        if (v == Version.V6_6 && page.active) {  // TestClearPageActive(page)
            page.active = false;
            k.rcu.callRcu(() -> freePage(page, true, "pte_free_now"), "pte_free_now(" + page + ")");
        } else {
            freePage(page, false, function);
        }
    }

    /** page_table_free_rcu(tlb, table, vmaddr) (pte_free_tlb): the half becomes pending; tlb_remove_table() follows. */
    void pageTableFreeRcu(MmStruct mm, Pgtable t) {
        Frag f = frag(t);
        halfFreed(f, Half.PENDING, "page_table_free_rcu");
        if (!v.fragments()) return;  // tlb_remove_ptdesc()
        PtPage page = f.page();
        int bit = f.bit();
        S390MmContext c = arch.ctx(mm);
        k.mem.spinLockBh(c.lock);
        /*
         * Mark the page for delayed release. The actual release will happen
         * outside of the critical section from __tlb_remove_table() or from
         * page_table_free()
         */
        int mask = atomicXorBits(page, 0x11 << bit, "page_table_free_rcu");
        if (v == Version.HUGH) {
            /* Other half not allocated? Other half not already pending free? */
            if ((mask & 0x03) == 0 && (mask & 0x30) != 0x30) listDel(c, page, false, "page_table_free_rcu");
        } else if ((mask & 0x03) != 0 && !(v == Version.V6_6 && page.active)) {
            listAddTail(c, page);
        } else {
            listDel(c, page, v == Version.V6_6, "page_table_free_rcu");
        }
        k.mem.spinUnlockBh(c.lock);
    }

    private void listAddTail(S390MmContext c, PtPage page) { listAdd(c, page, true, "page_table_free_rcu"); }

    /**
     * tlb_finish_mmu()'s tlb_table_flush() -> tlb_remove_table_free(): after the TLB flush, the
     * batch of tables goes to call_rcu(tlb_remove_table_rcu), which runs __tlb_remove_table on
     * each (MMU_GATHER_RCU_TABLE_FREE).
     */
    void tlbTableFlush(MmStruct mm, List<Pgtable> tables) {
        List<Frag> batch = new ArrayList<>();
        for (Pgtable t : tables) batch.add(frag(t));
        k.rcu.callRcu(() -> {
            for (Frag f : batch) __tlbRemoveTable(f);  // __tlb_remove_table_free()
        }, "tlb_remove_table_rcu -> __tlb_remove_table(" + String.join(", ", tables.stream().map(String::valueOf).toList()) + ")");
    }

    /** __tlb_remove_table(table | half): clear the P bit; free the page once the byte is 0. */
    private void __tlbRemoveTable(Frag f) {
        PtPage page = f.page();
        int bit = f.bit();
        Half h = page.half[bit];
        if (h != Half.PENDING) throw bad("__tlb_remove_table", "the " + half(bit) + " half of " + page + " removed while " + h.name().toLowerCase());
        page.half[bit] = Half.FREE;
        if (!v.fragments()) {
            freePage(page, true, "__tlb_remove_table");  // pagetable_dtor_free()
            return;
        }
        int mask;
        if (v == Version.HUGH && (k.mem.atomicRead(page.refcount) & 0x03) != 0) {
            /*
             * If the other half is marked as allocated, page->pt_mm must
             * still be valid, page->rcu_head no longer in use so page->lru
             * good for use, so now make the freed half available for reuse.
             */
            S390MmContext c = arch.ctx(page.ptMm);
            k.mem.spinLockBh(c.lock);  // PATCH: hugh-s390-pte-free-defer: mm->context.lock in softirq; __tlb_flush_mm_lazy takes it with spin_lock
            mask = atomicXorBits(page, 0x10 << bit, "__tlb_remove_table");
            if ((mask & 0x03) != 0) listAdd(c, page, false, "__tlb_remove_table");
            k.mem.spinUnlockBh(c.lock);
        } else {
            mask = atomicXorBits(page, 0x10 << bit, "__tlb_remove_table");
        }
        if (mask != 0) return;
        release(page, "__tlb_remove_table");
    }

    /**
     * pte_free_defer(mm, pgtable): khugepaged's retract_page_tables() frees a table that lockless
     * walkers may still see: it must not be reused before a grace period. v6.6 (8211dad62798):
     * PG_active, then page_table_free (the page never goes back on the list; its free is
     * call_rcu()'d); v6.8+: call_rcu(pte_free_now); Hugh's patch: A off, P and H on, and the
     * half's own call_rcu (the other half's waits for the first: one rcu_head per page).
     * The versions before pte_free_defer free it directly (collapse_and_free_pmd's pte_free).
     */
    void pteFreeDefer(MmStruct mm, Pgtable t) {
        switch (v) {
            case V6_5, NO_TEMP_P, ALLOC_NO_P -> pageTableFree(mm, t);  // v6.5's collapse_and_free_pmd(): pte_free()
            case V6_6 -> {
                frag(t).page().active = true;  // SetPageActive(page)
                pageTableFree(mm, t, true);
            }
            case V6_8 -> {
                Frag f = frag(t);
                halfFreed(f, Half.DEFERRED, "pte_free_defer");
                k.rcu.callRcu(() -> freePage(f.page(), true, "pte_free_now"), "pte_free_now(" + f.page() + ")");
            }
            case HUGH -> hughPteFreeDefer(mm, frag(t));
        }
    }

    private void hughPteFreeDefer(MmStruct mm, Frag f) {
        PtPage page = f.page();
        int bit = f.bit();
        halfFreed(f, Half.PENDING, "pte_free_defer");
        S390MmContext c = arch.ctx(mm);
        k.mem.spinLockBh(c.lock);
        int mask = atomicXorBits(page, 0x15 << bit, "pte_free_defer");
        /* Other half not allocated? Other half not already pending free? */
        if ((mask & 0x03) == 0 && (mask & 0x30) != 0x30) listDel(c, page, false, "pte_free_defer");
        k.mem.spinUnlockBh(c.lock);
        /* Do not relink on rcu_head if other half already linked on rcu_head */
        if ((mask & 0x0C) != 0x0C) k.rcu.callRcu(() -> pteFreeHalf(page, bit), "pte_free_now" + bit + "(" + page + ")");
    }

    /** Hugh's pte_free_half(): H off, __tlb_remove_table of the half, then the other half's call_rcu if it came in. */
    private void pteFreeHalf(PtPage page, int bit) {
        int mask = atomicXorBits(page, 0x04 << bit, "pte_free_half");
        __tlbRemoveTable(new Frag(null, page, bit));
        /* If pte_free_defer() of the other half came in, queue it now */
        if ((mask & 0x0C) != 0) {
            int other = 1 - bit;
            k.rcu.callRcu(() -> pteFreeHalf(page, other), "pte_free_now" + other + "(" + page + ")");
        }
    }

    /** The end of the program: every page-table page has been freed. */
    void checkFinal() {
        for (PtPage p : pages) {
            if (!p.freed) {
                throw new Violation("Leak", "pgtable", p + " never freed (tracking byte 0x"
                        + Integer.toHexString((int) k.mem.peek(p.refcount)) + ", halves " + p.half[0] + "/" + p.half[1] + ")");
            }
        }
    }
}
