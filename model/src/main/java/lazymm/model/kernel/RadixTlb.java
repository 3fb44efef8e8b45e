package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * One CPU's MMU on powerpc book3s64 radix (Power ISA v3.0 process-scoped translation, as
 * arch/powerpc/mm/book3s64/radix_tlb.c of v7.1.5 drives it): the PID register (the page tables
 * are {@code Rq.hwMm}'s), the TLB (translations of user pages tagged by PID) and the page-walk
 * cache (the pmd's pointer to the page-table page, per PID), both filled by walks at user
 * accesses and by speculative walks. A PID switch (mtspr SPRN_PID) flushes nothing: entries of a
 * PID stay until a tlbiel (this CPU) or a tlbie (every CPU) removes them. One PID per mm, never
 * reused (the model has no PID allocator).
 *
 * <p>The walker reads the newest page-table entries: the ptesync that precedes every tlbie and
 * tlbiel in radix_tlb.c makes the PTE stores visible to the table walks of all processors before
 * the invalidation. Before that ptesync the architecture lets a walk read an older value; the
 * model does not (it may miss a bug there, never invent one). A walk is one step.
 *
 * <p>The oracle is {@link Mmu}'s (kind StaleTlb): a user access that completes through a
 * translation whose flush_tlb_*() has returned, and a walk, speculative or not, through a
 * page-table page that has been freed. tlbie's tlbsync waits for the accesses in flight on other
 * CPUs through the invalidated translations ({@link #inflight}); a tlbiel is local and an IPI'd
 * one runs with interrupts on, so never inside an access. Left out: huge pages, the nest MMU
 * (coprocessors), partition-scoped (LPID) entries, the ERAT as a separate cache, hash MMU.
 */
@KernelFile(KernelFile.HARDWARE)
final class RadixTlb {

    /** A TLB entry: the translation of user page {@code va} of the PID of {@code mm}. */
    private record Entry(MmStruct mm, int va, UserPage page, String filledBy) {}

    /** A page-walk-cache entry: the page-table page the pmd of {@code mm}'s PID pointed to. */
    private record Pwc(MmStruct mm, Pgtable table) {}

    final int cpu;
    @Ghost private final List<Entry> tlb = new ArrayList<>();
    @Ghost private final List<Pwc> pwc = new ArrayList<>();
    /** The PID whose translation a user access on this CPU is using right now (null: none). */
    @Ghost MmStruct inflight;

    RadixTlb(int cpu) { this.cpu = cpu; }

    /** The translation of {@code va} in the PID of {@code loaded}, as the MMU does it for an access. */
    UserPage translate(Kernel k, MmStruct loaded, int va) {
        Entry e = lookup(loaded, va);
        UserPage p;
        if (e != null) {
            if (e.page().flushReturned != null) throw stale(k, e);
            p = e.page();
        } else {
            p = walk(k, loaded, va, false);
        }
        if (p != null) inflight = loaded;
        return p;
    }

    /** The access through {@code p} is done: if the flush that removed it returned meanwhile, it was stale. */
    void checkUsed(Kernel k, UserPage p, int va) {
        MmStruct pid = inflight;
        inflight = null;
        if (p.flushReturned != null) {
            Entry e = lookup(pid, va);
            throw stale(k, e != null && e.page() == p ? e : new Entry(pid, va, p, "a walk of this access"));
        }
    }

    /** A speculative walk of this CPU in kernel code with {@code loaded}'s PID still in SPRN_PID. */
    void speculativeWalk(Kernel k, MmStruct loaded, int va) {
        if (lookup(loaded, va) == null) walk(k, loaded, va, true);
    }

    private UserPage walk(Kernel k, MmStruct loaded, int va, boolean speculative) {
        Pgtable t = pwcOf(loaded);
        boolean cached = t != null;
        if (t == null) {
            t = k.mem.peekLatest(loaded.pmd);  // the walker reads the pmd entry
            if (t == null) return null;
        }
        if (t.freed) throw freedTable(k, t, loaded, speculative, cached);
        if (!cached) pwc.add(new Pwc(loaded, t));
        int pfn = (int) k.mem.peekLatest(t.pte[va]);  // ... and the PTE
        if (pfn == 0) return null;
        UserPage p = k.page(pfn);
        tlb.add(new Entry(loaded, va, p, k.current() + " on " + loaded + (speculative ? ", speculatively" : "")));
        return p;
    }

    private Entry lookup(MmStruct pid, int va) {
        for (Entry e : tlb) {
            if (e.mm() == pid && e.va() == va) return e;
        }
        return null;
    }

    private Pgtable pwcOf(MmStruct pid) {
        for (Pwc w : pwc) {
            if (w.mm() == pid) return w.table();
        }
        return null;
    }

    // ---- invalidation (what tlbiel does here, and what tlbie does on every CPU) ----

    /** RIC_FLUSH_TLB of a PID: its TLB entries. */
    void flushPidTlb(MmStruct pid) { tlb.removeIf(e -> e.mm() == pid); }

    /** RIC_FLUSH_PWC of a PID: its page-walk-cache entries. */
    void flushPidPwc(MmStruct pid) { pwc.removeIf(w -> w.mm() == pid); }

    /** One page of a PID (tlbiel / tlbie with IS=0, RIC_FLUSH_TLB). */
    void flushVa(MmStruct pid, int va) { tlb.removeIf(e -> e.mm() == pid && e.va() == va); }

    /** tlbiel_all(): everything this CPU caches. */
    void flushAll() {
        tlb.clear();
        pwc.clear();
    }

    private Violation freedTable(Kernel k, Pgtable t, MmStruct pid, boolean speculative, boolean cached) {
        return new Violation("StaleTlb", "page walk",
                "cpu" + cpu + (speculative ? " walked speculatively (lazy TLB, " : " walked (") + k.current()
                        + ") through page table " + t + ", freed by " + t.freedBy + " (PID of " + pid
                        + (cached ? ", from the page-walk cache)" : ")"));
    }

    private Violation stale(Kernel k, Entry e) {
        return new Violation("StaleTlb", "tlb",
                "cpu" + cpu + " (" + k.current() + ") used a stale TLB entry: va " + e.va() + " -> " + e.page()
                        + " (PID of " + e.mm() + ", filled by " + e.filledBy() + "): its PTE was cleared by "
                        + e.page().clearedBy + " and " + e.page().flushReturned + " has returned");
    }
}
