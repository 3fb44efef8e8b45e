package lazymm.model.kernel;

import java.util.IdentityHashMap;
import java.util.Map;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * The arm64 ASID allocator, arch/arm64/mm/context.c (v7.1.5): asid_generation, asid_map,
 * cpu_asid_lock, tlb_flush_pending, the per-CPU active_asids and reserved_asids, mm->context.id
 * (generation | ASID); check_and_switch_context() with its lock-free fast path (cmpxchg_relaxed
 * on active_asids) and its slow path under cpu_asid_lock, new_context(), flush_context() (the
 * rollover: xchg_relaxed of every CPU's active_asids to 0, the results reserved, every CPU's TLB
 * flush queued in tlb_flush_pending), check_update_reserved_asid(). Every shared access goes
 * through the model's memory with the kernel's ordering, so the weak memory mode matters.
 *
 * <p>The ASID space is small on purpose: NUM_USER_ASIDS is the number of CPUs + 2, the fewest
 * asids_update_limit() accepts ("at least one more ASID than CPUs", ASID #0 being init_mm's),
 * where hardware has 2^8 or 2^16. With 2 CPUs: ASIDs 1, 2 and 3 besides #0, and asid_bits = 2;
 * a program with four address spaces rolls over. asid_bits is the width that holds them (the
 * generation still counts in units of ASID_FIRST_VERSION, 1 << 16, as in the kernel).
 *
 * <p>Oracle (AsidClash), after every step: no two mms that are not freed have the same non-zero
 * context.id (the allocator's promise: one ASID per address space and generation; what
 * a8ffaaa060b8 restored). The hardware checks are in {@link Arm64Tlb}.
 *
 * <p>Left out: pinned ASIDs (arm64_mm_context_get / put, for SVA: no users in the model, so
 * set_reserved_asid_bits() clears the map), KPTI's even/odd ASID pairs, CnP's reserved TTBR0 in
 * the switch, the ASID size check of secondary CPUs, branch-predictor hardening.
 */
@KernelFile("arch/arm64/mm/context.c")
final class Arm64Asid {

    /** ASID_FIRST_VERSION: the generation's unit. */
    static final int ASID_FIRST_VERSION = 1 << 16;

    private final Kernel k;
    /** The CPUs' MMUs (local_flush_tlb_all). */
    private final Arm64Tlb[] tlbs;
    /** NUM_USER_ASIDS. */
    final int numUserAsids;
    /** asid_bits. */
    final int asidBits;

    private final SpinLock cpuAsidLock;
    /** asid_generation (atomic64_t). */
    private final IntVar asidGeneration;
    /** asid_map (a bitmap, under cpu_asid_lock). */
    private final IntVar asidMap;
    /** new_context()'s static cur_idx (under cpu_asid_lock). */
    private final IntVar curIdx;
    /** tlb_flush_pending (a cpumask). */
    private final IntVar tlbFlushPending;
    /** per-CPU active_asids (atomic64_t). */
    private final IntVar[] activeAsids;
    /** per-CPU reserved_asids (u64, under cpu_asid_lock). */
    private final IntVar[] reservedAsids;
    /** mm->context.id (atomic64_t), made by init_new_context() at the mm's first use: 0. */
    @Ghost private final Map<MmStruct, IntVar> contextIds = new IdentityHashMap<>();

    Arm64Asid(Kernel k) {
        this.k = k;
        int cpus = k.cfg.cpus();
        this.numUserAsids = cpus + 2;
        this.asidBits = 32 - Integer.numberOfLeadingZeros(numUserAsids - 1);
        this.tlbs = new Arm64Tlb[cpus];
        for (int c = 0; c < cpus; c++) tlbs[c] = new Arm64Tlb(c, numUserAsids, ASID_FIRST_VERSION);
        this.cpuAsidLock = k.mem.spinLock("cpu_asid_lock");
        // asids_init(): atomic64_set(&asid_generation, ASID_FIRST_VERSION)
        this.asidGeneration = k.mem.intVar("asid_generation", ASID_FIRST_VERSION);
        this.asidMap = k.mem.intVar("asid_map", 0);
        this.curIdx = k.mem.intVar("new_context.cur_idx", 1);
        this.tlbFlushPending = k.mem.intVar("tlb_flush_pending", 0);
        this.activeAsids = new IntVar[cpus];
        this.reservedAsids = new IntVar[cpus];
        for (int c = 0; c < cpus; c++) {
            activeAsids[c] = k.mem.intVar("cpu" + c + ".active_asids", 0);
            reservedAsids[c] = k.mem.intVar("cpu" + c + ".reserved_asids", 0);
        }
    }

    /** This CPU's MMU. */
    Arm64Tlb tlb(int cpu) { return tlbs[cpu]; }

    /** The generation bits of a context id (ASID_MASK). */
    int asidMask() { return ~((1 << asidBits) - 1); }

    int ctxid2asid(int asid) { return asid & ~asidMask(); }

    /** mm->context.id. */
    IntVar contextId(MmStruct mm) {
        return contextIds.computeIfAbsent(mm, m -> k.mem.intVar(m, m + ".context.id", 0));
    }

    /** ASID(mm): the ASID of mm->context.id, as the TLB flushes and cpu_do_switch_mm() read it. */
    int asidOf(MmStruct mm) { return ctxid2asid(k.mem.atomicRead(contextId(mm))); }

    /** The generation now, for ghost bookkeeping (the newest value). */
    int generationNow() { return (int) k.mem.peekLatest(asidGeneration); }

    private boolean asidGenMatch(int asid) {
        return ((asid ^ k.mem.atomicRead(asidGeneration)) >>> asidBits) == 0;  // atomic64_read(&asid_generation)
    }

    private void flushContext() {
        /* Update the list of reserved ASIDs and the ASID bitmap. */
        int map = 0;  // set_reserved_asid_bits(): no pinned ASIDs, no KPTI: bitmap_clear()
        for (int i = 0; i < activeAsids.length; i++) {  // for_each_possible_cpu(i)
            int asid = k.mem.atomicXchgRelaxed(activeAsids[i], 0);  // pairs with: check_and_switch_context's cmpxchg_relaxed (one location: RMWs are totally ordered)
            /*
             * If this CPU has already been through a
             * rollover, but hasn't run another task in
             * the meantime, we must preserve its reserved
             * ASID, as this is the only trace we have of
             * the process it is still running.
             */
            if (asid == 0) asid = k.mem.read(reservedAsids[i]);
            if (!k.kc.has(Patch.PLANT_ASID_NO_RESERVE)) map |= 1 << ctxid2asid(asid);  // __set_bit(); PATCH: plant-asid-no-reserve
            k.mem.write(reservedAsids[i], asid);
        }
        k.mem.write(asidMap, map);

        /*
         * Queue a TLB invalidation for each CPU to perform on next
         * context-switch
         */
        k.mem.write(tlbFlushPending, (1 << activeAsids.length) - 1);  // cpumask_setall()
    }

    private boolean checkUpdateReservedAsid(int asid, int newasid) {
        boolean hit = false;
        /*
         * Iterate over the set of reserved ASIDs looking for a match.
         * If we find one, then we can update our mm to use newasid
         * (i.e. the same ASID in the current generation) but we can't
         * exit the loop early, since we need to ensure that all copies
         * of the old ASID are updated to reflect the mm.
         */
        for (IntVar r : reservedAsids) {
            if (k.mem.read(r) == asid) {
                hit = true;
                k.mem.write(r, newasid);
            }
        }
        return hit;
    }

    private int findNextZeroBit(int map, int from) {
        for (int b = from; b < numUserAsids; b++) {
            if ((map & (1 << b)) == 0) return b;
        }
        return numUserAsids;
    }

    private int newContext(MmStruct mm) {
        int asid = k.mem.atomicRead(contextId(mm));
        int generation = k.mem.atomicRead(asidGeneration);

        if (asid != 0) {
            int newasid = ctxid2asid(asid) | generation;
            /*
             * If our current ASID was active during a rollover, we
             * can continue to use it and this was just a false alarm.
             */
            if (checkUpdateReservedAsid(asid, newasid)) return newasid;
            // refcount_read(&mm->context.pinned): never pinned in the model
            /*
             * We had a valid ASID in a previous life, so try to re-use
             * it if possible.
             */
            int map = k.mem.read(asidMap);
            int bit = 1 << ctxid2asid(asid);
            if ((map & bit) == 0) {  // !__test_and_set_bit()
                k.mem.write(asidMap, map | bit);
                return newasid;
            }
        }

        /*
         * Allocate a free ASID. If we can't find one, take a note of the
         * currently active ASIDs and mark the TLBs as requiring flushes.  We
         * always count from ASID #2 (index 1), as we use ASID #0 when setting
         * a reserved TTBR0 for the init_mm.
         */
        asid = findNextZeroBit(k.mem.read(asidMap), k.mem.read(curIdx));
        if (asid == numUserAsids) {
            /* We're out of ASIDs, so increment the global generation count */
            generation = k.mem.atomicAddReturnRelaxed(ASID_FIRST_VERSION, asidGeneration);
            flushContext();
            /* We have more ASIDs than CPUs, so this will always succeed */
            asid = findNextZeroBit(k.mem.read(asidMap), 1);
            k.bugOn(asid == numUserAsids, "new_context", "no free ASID after a rollover");
        }
        k.mem.write(asidMap, k.mem.read(asidMap) | 1 << asid);  // __set_bit()
        k.mem.write(curIdx, asid);
        return asid | generation;
    }

    /**
     * check_and_switch_context(mm): returns the context id chosen for this CPU (the one its
     * active_asids holds); the caller writes the TTBRs (cpu_switch_mm).
     */
    int checkAndSwitchContext(MmStruct mm) {
        int cpu = k.smpProcessorId();
        IntVar active = activeAsids[cpu];
        int asid = k.mem.atomicRead(contextId(mm));

        /*
         * The memory ordering here is subtle.
         * If our active_asids is non-zero and the ASID matches the current
         * generation, then we update the active_asids entry with a relaxed
         * cmpxchg. Racing with a concurrent rollover means that either:
         *
         * - We get a zero back from the cmpxchg and end up waiting on the
         *   lock. Taking the lock synchronises with the rollover and so
         *   we are forced to see the updated generation.
         *
         * - We get a valid ASID back from the cmpxchg, which means the
         *   relaxed xchg in flush_context will treat us as reserved
         *   because atomic RmWs are totally ordered for a given location.
         */
        if (!k.kc.has(Patch.ARM64_ASID_CMPXCHG)) {  // PATCH: a8ffaaa060b8
            // before it, an xchg that replaces a rollover's 0 (ARM64-ASID-ZERO)
            if (asidGenMatch(asid) && k.mem.atomicXchgRelaxed(active, asid) != 0) return asid;  // goto switch_mm_fastpath
        } else {
            int oldActiveAsid = k.mem.atomicRead(active);
            if (oldActiveAsid != 0 && asidGenMatch(asid)
                    && k.mem.atomicCmpxchgRelaxed(active, oldActiveAsid, asid) != 0) {  // pairs with: flush_context's xchg_relaxed
                return asid;  // goto switch_mm_fastpath
            }
        }

        long flags = k.mem.spinLockIrqsave(cpuAsidLock);  // raw_spin_lock_irqsave(); pairs with: the rollover's unlock
        /* Check that our ASID belongs to the current generation. */
        asid = k.mem.atomicRead(contextId(mm));
        if (!asidGenMatch(asid)) {
            asid = newContext(mm);
            k.mem.atomicSet(contextId(mm), asid);  // atomic64_set()
        }

        int bit = 1 << cpu;
        if ((k.mem.atomicFetchAndnot(bit, tlbFlushPending) & bit) != 0) {  // cpumask_test_and_clear_cpu()
            if (!k.kc.has(Patch.PLANT_NO_ASID_FLUSH)) localFlushTlbAll();  // PATCH: plant-no-asid-flush
        }

        k.mem.atomicSet(active, asid);  // atomic64_set(this_cpu_ptr(&active_asids), asid)
        k.mem.spinUnlockIrqrestore(cpuAsidLock, flags);
        return asid;
    }

    /** local_flush_tlb_all(): dsb(nshst); tlbi vmalle1; dsb(nsh); isb() (non-shareable: no order for other CPUs). */
    void localFlushTlbAll() {
        tlbs[k.smpProcessorId()].invalidateAll(generationNow());
    }

    /** The allocator's invariant: no two mms that are not freed share a context id. */
    void checkStep() {
        for (int i = 0; i < k.mms.size(); i++) {
            MmStruct a = k.mms.get(i);
            IntVar ia = contextIds.get(a);
            if (a.freed || ia == null) continue;
            long ida = k.mem.peekLatest(ia);
            if (ida == 0) continue;
            for (int j = i + 1; j < k.mms.size(); j++) {
                MmStruct b = k.mms.get(j);
                IntVar ib = contextIds.get(b);
                if (b.freed || ib == null || k.mem.peekLatest(ib) != ida) continue;
                throw new Violation("AsidClash", "context.id",
                        a + " and " + b + " both have context.id ASID " + ctxid2asid((int) ida) + " of generation "
                                + (ida >>> 16) + " (reserved_asids " + reserved() + ", asid_generation "
                                + (generationNow() >>> 16) + "): two live address spaces under one ASID");
            }
        }
    }

    private String reserved() {
        StringBuilder sb = new StringBuilder("[");
        for (int c = 0; c < reservedAsids.length; c++) {
            long r = k.mem.peekLatest(reservedAsids[c]);
            if (c > 0) sb.append(", ");
            sb.append(ctxid2asid((int) r)).append('/').append(r >>> 16);
        }
        return sb.append(']').toString();
    }
}
