package lazymm.model.kernel;

import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * One arm64 CPU's MMU, the hardware (ARMv8-A, stage 1, EL1&0): TTBR0_EL1 (the user page tables,
 * {@code Rq.hwMm}; init_mm stands for the reserved_pg_dir that cpu_set_reserved_ttbr0() installs),
 * the ASID in TTBR1_EL1 (TCR_EL1.A1 is set: cpu_do_switch_mm() writes the ASID there), the TLB
 * (translations of user pages tagged by ASID) and the walk cache (the pmd's pointer to the
 * page-table page, per ASID), both filled by page walks that read the page tables from memory,
 * speculatively too, whenever TTBR0 points at user tables (a lazy CPU keeps them: enter_lazy_tlb
 * only updates the saved SW-PAN TTBR0, which the model leaves out).
 *
 * <p>Invalidation: TLBI ASIDE1IS (every entry of an ASID), VAE1IS (a page of an ASID with its
 * walk-cache entries), VALE1IS (the last level only), all broadcast to every CPU of the inner
 * shareable domain with no IPI; TLBI VMALLE1 (everything, this CPU). A TLBI takes effect at once
 * in the model; the DSB after it, which waits for that, is a barrier of the caller.
 *
 * <p>The table walker reads the newest value of the pmd and the PTE, and a walk is one step. On
 * the hardware a walk may read an older value only until a TLBI that follows the store (after
 * the DSB ISHST) completes, and the TLBI removes what it filled; the model cannot make another
 * CPU's reads newer at a TLBI, so it gives the walker the newest values always. So a missing
 * dsb(ishst) before a TLBI is not a bug this model can find; the DSBs stay full barriers of the
 * CPU that flushes.
 *
 * <p>Oracles, at a user access: a TLB or walk-cache entry under the current ASID that another mm
 * filled (AsidClash: two address spaces under one ASID on this CPU); an entry whose PTE was
 * cleared by a zap whose TLB flush has returned, or a walk through a freed page table (StaleTlb,
 * as on x86); and at the TTBR write (cpu_do_switch_mm): an ASID of a generation this CPU has not
 * flushed its TLB in (AsidClash: after a rollover the TLB may hold entries that the previous
 * generation tagged with this ASID for another mm; check_and_switch_context must flush through
 * tlb_flush_pending before it uses the new generation). Left out: global (kernel) entries, KPTI's
 * user ASIDs, CnP, TTBR0 SW-PAN, contiguous and huge entries, FEAT_TLBIRANGE, the DVM sync of SME.
 */
@KernelFile(KernelFile.HARDWARE)
final class Arm64Tlb {

    final int cpu;
    /** TTBR1_EL1.ASID: the ASID of user translations this CPU makes now. */
    @Ghost int asid;
    /** The mm->context.id (generation | ASID) check_and_switch_context chose for the loaded ASID. */
    @Ghost int ctxId;
    /** The asid_generation at this CPU's last local_flush_tlb_all() (its boot or online flush included). */
    @Ghost int flushedGen;
    /** The user access under way (translated, not yet done) and the ASID and page of its translation, or -1. */
    @Ghost int inFlightAsid = -1;
    @Ghost int inFlightVa = -1;
    /** TLB entries: [asid][virtual page]. */
    @Ghost private final UserPage[][] tlb;
    @Ghost private final String[][] filledBy;
    /** Walk cache: [asid] -> the page-table page the pmd pointed to. */
    @Ghost private final Pgtable[] walkCache;
    @Ghost private final MmStruct[] walkCacheMm;

    Arm64Tlb(int cpu, int asids, int generation) {
        this.cpu = cpu;
        this.tlb = new UserPage[asids][MmStruct.USER_PAGES];
        this.filledBy = new String[asids][MmStruct.USER_PAGES];
        this.walkCache = new Pgtable[asids];
        this.walkCacheMm = new MmStruct[asids];
        this.flushedGen = generation;
    }

    /** A user access's translation of page {@code va} with {@code loaded}'s tables in TTBR0: a hit or a walk. */
    UserPage translate(Kernel k, MmStruct loaded, int va) {
        UserPage e = tlb[asid][va];
        if (e != null) {
            if (e.mm != loaded) throw clash(k, loaded, va, e);
            if (e.flushReturned != null) throw stale(k, va, e);
        } else {
            e = walk(k, loaded, va, false);
        }
        if (e != null) {
            inFlightAsid = asid;
            inFlightVa = va;
        }
        return e;
    }

    /**
     * Whether the access under way uses a translation that a TLBI of {@code a} (page {@code va},
     * or -1: every page) removes: the DSB after the TLBI waits for it. (A TLBI is complete when
     * every memory access that used the entries it invalidated is complete.)
     */
    boolean accessInFlight(int a, int va) {
        return inFlightAsid == a && (va < 0 || inFlightVa == va);
    }

    /** A speculative walk (the CPU runs kernel code with user tables still in TTBR0). */
    void speculativeWalk(Kernel k, MmStruct loaded, int va) {
        if (tlb[asid][va] == null) walk(k, loaded, va, true);
    }

    private UserPage walk(Kernel k, MmStruct loaded, int va, boolean speculative) {
        Pgtable t = walkCache[asid];
        if (t != null && walkCacheMm[asid] != loaded) {
            throw new Violation("AsidClash", "tlb",
                    "cpu" + cpu + " (" + k.current() + ") walked " + loaded + " through the walk-cache entry of "
                            + walkCacheMm[asid] + " (" + t + ") under ASID " + asid);
        }
        if (t == null) {
            t = k.mem.peekLatest(loaded.pmd);  // the table walker reads the pmd entry (the newest value: see the class comment)
            if (t == null) return null;
        }
        if (t.freed) throw freedTable(k, t, speculative);
        walkCache[asid] = t;
        walkCacheMm[asid] = loaded;
        int pfn = (int) k.mem.peekLatest(t.pte[va]);  // the table walker reads the PTE
        if (pfn == 0) return null;
        UserPage p = k.page(pfn);
        tlb[asid][va] = p;
        filledBy[asid][va] = k.current() + " on " + loaded + (speculative ? " (speculative walk)" : "");
        return p;
    }

    /** The access through {@code p} is done: if the flush that removed it returned meanwhile, it was stale. */
    void checkUsed(Kernel k, UserPage p, int va) {
        inFlightAsid = -1;
        inFlightVa = -1;
        if (p.flushReturned != null) throw stale(k, va, p);
    }

    /** cpu_do_switch_mm(): TTBR1.ASID, for the context id {@code ctx} chosen under the allocator's rules. */
    void setAsid(Kernel k, int hwAsid, int ctx, int generationMask) {
        if ((ctx & generationMask) > flushedGen) {
            throw new Violation("AsidClash", "tlb_flush_pending",
                    "cpu" + cpu + " (" + k.current() + ") loads ASID " + hwAsid + " of generation "
                            + ((ctx & generationMask) >>> 16) + " but its TLB was last flushed in generation "
                            + (flushedGen >>> 16) + ": entries another mm had under ASID " + hwAsid
                            + " in an older generation may still be there");
        }
        asid = hwAsid;
        ctxId = ctx;
    }

    private Violation clash(Kernel k, MmStruct loaded, int va, UserPage e) {
        return new Violation("AsidClash", "tlb",
                "cpu" + cpu + " (" + k.current() + ") runs " + loaded + " under ASID " + asid + " and hit a TLB entry of "
                        + e.mm + ": va " + va + " -> " + e + " (filled by " + filledBy[asid][va] + ")");
    }

    private Violation stale(Kernel k, int va, UserPage e) {
        return new Violation("StaleTlb", "tlb",
                "cpu" + cpu + " (" + k.current() + ") used a stale TLB entry: va " + va + " -> " + e + " (ASID " + asid
                        + ", filled by " + filledBy[asid][va] + "): its PTE was cleared by " + e.clearedBy + " and "
                        + e.flushReturned + " has returned");
    }

    private Violation freedTable(Kernel k, Pgtable t, boolean speculative) {
        return new Violation("StaleTlb", "page walk",
                "cpu" + cpu + (speculative ? " walked speculatively (" : " walked (") + k.current()
                        + ") through page table " + t + ", freed by " + t.freedBy + " (ASID " + asid
                        + (walkCache[asid] == t ? ", from the walk cache)" : ")"));
    }

    // ---- TLB maintenance, as each CPU's TLB sees a TLBI ----

    /** TLBI ASIDE1IS (this CPU's part): every entry of {@code a}, walk cache included. */
    void invalidateAsid(int a) {
        if (a < 0 || a >= tlb.length) return;
        for (int va = 0; va < MmStruct.USER_PAGES; va++) tlb[a][va] = null;
        walkCache[a] = null;
        walkCacheMm[a] = null;
    }

    /** TLBI VAE1IS / VALE1IS (this CPU's part): page {@code va} of {@code a}; the walk cache unless last-level only. */
    void invalidateVa(int a, int va, boolean lastLevel) {
        if (a < 0 || a >= tlb.length) return;
        tlb[a][va] = null;
        if (!lastLevel) {
            walkCache[a] = null;
            walkCacheMm[a] = null;
        }
    }

    /** TLBI VMALLE1 (local_flush_tlb_all): everything on this CPU. */
    void invalidateAll(int generation) {
        for (int a = 0; a < tlb.length; a++) invalidateAsid(a);
        flushedGen = generation;
    }
}
