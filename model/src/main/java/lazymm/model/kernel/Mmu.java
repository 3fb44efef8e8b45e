package lazymm.model.kernel;

import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * One CPU's MMU, the hardware: CR3's PCID (the page tables are {@code Rq.hwMm}'s), the TLB
 * (translations of user pages tagged by PCID) and the paging-structure cache (the pmd's pointer
 * to the page-table page, per PCID), both filled by page walks that read the page tables from
 * memory. x86 with PCID: TLB_NR_DYN_ASIDS tags; a CR3 write without CR3_NOFLUSH flushes the new
 * PCID's entries; INVLPG flushes one page of the current PCID and its paging-structure entries.
 *
 * <p>The oracle StaleTlb is here: a user access that hits a translation whose removal was
 * flushed by a flush_tlb_mm_range() that has already returned (or a translation of another
 * address space than the one loaded), and a walk, speculative or not, through a page-table page
 * that has been freed. Left out: global pages, huge pages, PTI's user PCIDs, INVLPGB.
 */
@KernelFile(KernelFile.HARDWARE)
final class Mmu {

    /** TLB_NR_DYN_ASIDS (arch/x86/include/asm/tlbflush.h). */
    static final int NR_PCIDS = 6;

    final int cpu;
    /** The PCID in CR3. */
    @Ghost int cr3Pcid;
    /** TLB entries: [pcid][virtual page]. */
    @Ghost private final UserPage[][] tlb = new UserPage[NR_PCIDS][MmStruct.USER_PAGES];
    /** Where each entry was filled (the CPU's task and its mm), for the report. */
    @Ghost private final String[][] filledBy = new String[NR_PCIDS][MmStruct.USER_PAGES];
    /** Paging-structure cache: [pcid] -> the page-table page the pmd pointed to. */
    @Ghost private final Pgtable[] pwc = new Pgtable[NR_PCIDS];

    Mmu(int cpu) { this.cpu = cpu; }

    /**
     * The translation of user page {@code va} of the loaded page tables, as the hardware does it
     * for an access: a TLB hit, or a walk that fills the TLB. Null when the PTE is none (a page
     * fault). {@code loaded} is the mm whose page tables CR3 holds.
     */
    UserPage translate(Kernel k, MmStruct loaded, int va) {
        UserPage e = tlb[cr3Pcid][va];
        if (e != null) {
            if (e.flushReturned != null || e.mm != loaded) throw stale(k, loaded, va, e);
            return e;
        }
        return walk(k, loaded, va, false);
    }

    /**
     * A speculative walk of a CPU that has user page tables loaded but runs kernel code (lazy TLB
     * mode): it may fill the TLB and the paging-structure cache; what it must never do is walk
     * through a page-table page that was freed (kernel-digest 3.4: why native_flush_tlb_multi
     * IPIs lazy CPUs when page tables are freed).
     */
    void speculativeWalk(Kernel k, MmStruct loaded, int va) {
        if (tlb[cr3Pcid][va] == null) walk(k, loaded, va, true);
    }

    private UserPage walk(Kernel k, MmStruct loaded, int va, boolean speculative) {
        Pgtable t = pwc[cr3Pcid];
        if (t == null) {
            t = k.mem.readOnce(loaded.pmd);  // the hardware walker reads the pmd entry
            if (t == null) return null;
        }
        if (t.freed) throw freedTable(k, t, speculative);
        pwc[cr3Pcid] = t;
        int pfn = k.mem.readOnce(t.pte[va]);  // the hardware walker reads the PTE
        if (t.freed) throw freedTable(k, t, speculative);  // freed while the walk was under way
        if (pfn == 0) return null;
        UserPage p = k.page(pfn);
        tlb[cr3Pcid][va] = p;
        filledBy[cr3Pcid][va] = k.current() + " on " + loaded;
        return p;
    }

    private Violation freedTable(Kernel k, Pgtable t, boolean speculative) {
        return new Violation("StaleTlb", "page walk",
                "cpu" + cpu + (speculative ? " walked speculatively (lazy TLB, " : " walked (") + k.current()
                        + ") through page table " + t + ", freed by " + t.freedBy + " (pcid " + cr3Pcid
                        + (pwc[cr3Pcid] == t ? ", from the paging-structure cache)" : ")"));
    }

    /** The access through {@code p} is done: if the flush that removed it returned meanwhile, it was stale. */
    void checkUsed(Kernel k, UserPage p, int va) {
        if (p.flushReturned != null) throw stale(k, p.mm, va, p);
    }

    private Violation stale(Kernel k, MmStruct loaded, int va, UserPage e) {
        String why = e.mm != loaded
                ? "the entry belongs to " + e.mm + " but " + loaded + " is loaded with the same PCID"
                : "its PTE was cleared by " + e.clearedBy + " and " + e.flushReturned + " has returned";
        return new Violation("StaleTlb", "tlb",
                "cpu" + cpu + " (" + k.current() + ") used a stale TLB entry: va " + va + " -> " + e
                        + " (pcid " + cr3Pcid + ", filled by " + filledBy[cr3Pcid][va] + "): " + why);
    }

    /** A CR3 write that flushes {@code pcid}, or flush_tlb_local() of the current one. */
    void flushPcid(int pcid) {
        for (int va = 0; va < MmStruct.USER_PAGES; va++) tlb[pcid][va] = null;
        pwc[pcid] = null;
    }

    /** INVLPG of one user page in the current PCID (flush_tlb_one_user). */
    void flushOne(int va) {
        tlb[cr3Pcid][va] = null;
        pwc[cr3Pcid] = null;  // INVLPG also drops the PCID's paging-structure entries
    }

    /** Everything (initialize_tlbstate_and_flush's CR3 write with CR4.PCIDE cycling). */
    void flushAll() {
        for (int p = 0; p < NR_PCIDS; p++) flushPcid(p);
    }
}
