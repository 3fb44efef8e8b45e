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
 * that has been freed. With X86_FEATURE_INVLPGB the tags go on past the dynamic ASIDs: a global
 * ASID ({@link X86Invlpgb}) tags the entries of its mm on every CPU, and an INVLPGB removes them
 * from every CPU's TLB ({@link #invlpgb}) when the TLBSYNC of the CPU that issued it completes it.
 * Left out: global pages, huge pages, PTI's user PCIDs.
 */
@KernelFile(KernelFile.HARDWARE)
final class Mmu {

    /** TLB_NR_DYN_ASIDS (arch/x86/include/asm/tlbflush.h). */
    static final int NR_PCIDS = 6;
    /** The tags the model's TLB has: the dynamic ASIDs, then the global ASIDs (X86Invlpgb.MAX_ASID_AVAILABLE and one past it). */
    static final int NR_TAGS = X86Invlpgb.MAX_ASID_AVAILABLE + 1;

    final int cpu;
    /** The PCID in CR3. */
    @Ghost int cr3Pcid;
    /** TLB entries: [pcid][virtual page]. */
    @Ghost private final UserPage[][] tlb = new UserPage[NR_TAGS][MmStruct.USER_PAGES];
    /** Where each entry was filled (the CPU's task and its mm), for the report. */
    @Ghost private final String[][] filledBy = new String[NR_TAGS][MmStruct.USER_PAGES];
    /** Paging-structure cache: [pcid] -> the page-table page the pmd pointed to. */
    @Ghost private final Pgtable[] pwc = new Pgtable[NR_TAGS];
    /** The user access under way (translated, not yet done): its tag and page, or -1 (what a TLBSYNC waits for). */
    @Ghost private int inFlightTag = -1;
    @Ghost private int inFlightVa = -1;
    /** The tag of the page walk under way (its reads are yield points; the walk is part of one instruction), or -1. */
    @Ghost private int walkingTag = -1;

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
        } else {
            e = walk(k, loaded, va, false);
        }
        if (e != null) {
            inFlightTag = cr3Pcid;
            inFlightVa = va;
        }
        return e;
    }

    /**
     * Whether the access under way uses a translation an INVLPGB of tag {@code asid} (-1: every
     * tag), page {@code va} (-1: every page) removes, or a page walk under that tag is under way
     * (it may hold a paging-structure entry the INVLPGB removes): its TLBSYNC waits for them
     * (the access and the walk are part of one instruction; they complete). An IPI flush gets the
     * same from interrupts, which come between instructions only.
     */
    boolean accessInFlight(int asid, int va) {
        if (walkingTag >= 0 && (asid < 0 || walkingTag == asid)) return true;  // a walk may be using the tag's paging-structure entries
        return inFlightTag >= 0 && (asid < 0 || inFlightTag == asid) && (va < 0 || inFlightVa == va);
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
        walkingTag = cr3Pcid;  // the walk is part of one instruction: a TLBSYNC waits for it
        try {
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
        } finally {
            walkingTag = -1;
        }
    }

    private Violation freedTable(Kernel k, Pgtable t, boolean speculative) {
        return new Violation("StaleTlb", "page walk",
                "cpu" + cpu + (speculative ? " walked speculatively (lazy TLB, " : " walked (") + k.current()
                        + ") through page table " + t + ", freed by " + t.freedBy + " (" + tag(cr3Pcid)
                        + (pwc[cr3Pcid] == t ? ", from the paging-structure cache)" : ")"));
    }

    /** The access through {@code p} is done: if the flush that removed it returned meanwhile, it was stale. */
    void checkUsed(Kernel k, UserPage p, int va) {
        inFlightTag = -1;
        inFlightVa = -1;
        if (p.flushReturned != null) throw stale(k, p.mm, va, p);
    }

    private Violation stale(Kernel k, MmStruct loaded, int va, UserPage e) {
        String why = e.mm != loaded
                ? "the entry belongs to " + e.mm + " but " + loaded + " is loaded with the same " + (cr3Pcid < NR_PCIDS ? "PCID" : "global ASID")
                : "its PTE was cleared by " + e.clearedBy + " and " + e.flushReturned + " has returned";
        return new Violation("StaleTlb", "tlb",
                "cpu" + cpu + " (" + k.current() + ") used a stale TLB entry: va " + va + " -> " + e
                        + " (" + tag(cr3Pcid) + ", filled by " + filledBy[cr3Pcid][va] + "): " + why);
    }

    /** How a report names a tag: a dynamic ASID's PCID, or a global ASID. */
    private static String tag(int asid) { return asid < NR_PCIDS ? "pcid " + asid : "global ASID " + asid; }

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
        for (int p = 0; p < NR_TAGS; p++) flushPcid(p);
    }

    /**
     * This CPU's part of an INVLPGB: tag {@code asid} (-1: every tag, as invlpgb_flush_all_nonglobals),
     * page {@code va} (-1: every page) with its paging-structure entries (no INVLPGB_FINAL_ONLY).
     */
    void invlpgb(int asid, int va) {
        for (int p = 0; p < NR_TAGS; p++) {
            if (asid >= 0 && p != asid) continue;
            if (va < 0) {
                flushPcid(p);
            } else {
                tlb[p][va] = null;
                pwc[p] = null;
            }
        }
    }
}
