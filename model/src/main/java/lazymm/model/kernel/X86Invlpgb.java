package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * x86 broadcast TLB invalidation with global ASIDs: AMD's INVLPGB and TLBSYNC, Rik van Riel's
 * series merged for v6.15 (4afeb0ed1753 "x86/mm: Enable broadcast TLB invalidation for
 * multi-threaded processes" and the commits around it). {@link ArchX86} calls in at each
 * of the kernel's {@code cpu_feature_enabled(X86_FEATURE_INVLPGB)} branches, and only when the
 * variant declares the feature ({@link KernelVariant.CpuFeature#X86_FEATURE_INVLPGB}); without
 * it nothing here exists and x86 runs as before, access for access.
 *
 * <p>Version: arch/x86/mm/tlb.c, asm/tlbflush.h and asm/tlb.h as a CachyOS/linux snapshot has
 * them (tlb.c at 0ebd1b8055ed: it has 83b0177a6c48 of v6.18 and EXPORT_SYMBOL_FOR_KVM, so v6.19
 * or newer; the stored torvalds/linux tlb.c is a v4.x copy, and no 7.x copy of these files was
 * readable), asm/mmu_context.h's destroy_context() from the stored mails. The paths match the
 * series as merged (v6.15 pull "x86/mm", 0b7eb55cb706 included).
 *
 * <p>What is modelled, function by function with the kernel's names:
 * <ul>
 * <li>the allocator, under global_asid_lock: global_asid_used / global_asid_freed (bitmaps of
 *     MAX_ASID_AVAILABLE bits), last_global_asid, global_asid_available; allocate_global_asid(),
 *     reset_global_asid_space() (the rollover, with its invlpgb_flush_all_nonglobals()),
 *     use_global_asid(), mm_free_global_asid() (destroy_context() from __mmdrop);
 * <li>mm->context.global_asid (smp_store_release in mm_assign_global_asid, smp_load_acquire in
 *     mm_global_asid) and mm->context.asid_transition (a plain store before that release,
 *     READ_ONCE in mm_in_asid_transition, WRITE_ONCE in mm_clear_asid_transition);
 * <li>consider_global_asid() and mm_active_cpus_exceeds() (the remote per_cpu reads of
 *     loaded_mm and is_lazy), finish_asid_transition() (its spin on LOADED_MM_SWITCHING, its
 *     READ_ONCE of each CPU's loaded_mm_asid, its flush_tlb_multi), broadcast_tlb_flush();
 * <li>the hardware: INVLPGB is queued on the CPU that issues it and acts on every CPU's TLB
 *     ({@link Mmu#invlpgb}) only when that CPU's TLBSYNC completes it (the latest the
 *     architecture allows: an INVLPGB may take effect anywhere before, so a stale entry can be
 *     used until then; applying it early only removes entries). A TLBSYNC waits for the
 *     INVLPGBs of its own CPU only, and for the accesses other CPUs had under way through the
 *     entries they remove (as arm64's DSB after a TLBI: the kernel frees pages once the flush
 *     returns, so the hardware cannot let an older access land after it).
 * </ul>
 *
 * <p>Scaled down (the model's machine is 2 to 8 CPUs and a few processes): MAX_ASID_AVAILABLE is
 * {@value #MAX_ASID_AVAILABLE} (the kernel's (1 << 12) - 2 = 4094, 2046 with PTI), so global ASIDs
 * are 6 to 9 and the rollover comes after a few processes; mm_active_cpus_exceeds()'s threshold
 * is {@value #GLOBAL_ASID_THRESHOLD} (the kernel's 3: "active on 4 or more CPUs"), so a process
 * running on two CPUs qualifies; consider_global_asid()'s "(current->pid & 0x1f) != (jiffies &
 * 0x1f)" is a scheduler choice. kern_pcid()'s + 1 is left out (the model's TLB is tagged by ASID).
 *
 * <p>Oracle GlobalAsid, the allocator's promise: after every step no two mms that are not freed
 * have one global ASID ({@code GlobalAsid:mm->context.global_asid}); and allocate_global_asid()
 * never hands out an ASID freed since the last invlpgb_flush_all_nonglobals() completed
 * ({@code GlobalAsid:allocate_global_asid}): other CPUs' TLBs may still hold the old owner's
 * entries under it. The TLB's own check ({@link Mmu}, StaleTlb) covers global ASIDs too.
 *
 * <p>Left out: PTI's user PCIDs (the second INVLPGB of each flush), INVLPGB's count limit
 * (invlpgb_count_max: the model's ranges are two pages), huge-page strides, kernel-range flushes
 * (flush_tlb_kernel_range / flush_tlb_all with INVLPGB: the model has no kernel mappings),
 * arch_tlbbatch_flush() (reclaim's batched flush, not in the x86 model), Intel RAR, and the
 * never-merged "x86/mm: Do targeted broadcast flushing from tlbbatch code" (v11 to v15 of the
 * series: cpu_tlbstate.need_tlbsync and a tlbsync() at context switch; dropped before the merge).
 */
@KernelFile("arch/x86/mm/tlb.c")
final class X86Invlpgb {

    /** TLB_NR_DYN_ASIDS: the dynamic ASIDs; global ASIDs are above. */
    static final int TLB_NR_DYN_ASIDS = Mmu.NR_PCIDS;
    /** MAX_ASID_AVAILABLE, scaled down (see the class comment). */
    static final int MAX_ASID_AVAILABLE = TLB_NR_DYN_ASIDS + 4;
    /** consider_global_asid()'s mm_active_cpus_exceeds(mm, 3), scaled down (see the class comment). */
    static final int GLOBAL_ASID_THRESHOLD = 1;

    /** is_global_asid(asid): !is_dyn_asid(asid). */
    static boolean isGlobalAsid(int asid) { return asid >= TLB_NR_DYN_ASIDS; }

    /** mm->context's global ASID fields, made by init_new_context()'s mm_init_global_asid() at the mm's first use. */
    private record Context(IntVar globalAsid, IntVar asidTransition) {}

    /** An INVLPGB queued on the issuing CPU until its TLBSYNC: ASID (-1: all), page (-1: all). */
    private record Invlpgb(int asid, int va, String what) {}

    private final Kernel k;
    private final ArchX86 x86;

    /** global_asid_lock (a raw spinlock, taken with IRQs saved). */
    private final SpinLock globalAsidLock;
    /** The allocator's state, all under global_asid_lock. */
    @Ghost final GlobalAsidSpace space = new GlobalAsidSpace();
    @Ghost private final Map<MmStruct, Context> contexts = new IdentityHashMap<>();
    /** cpu_tlbstate.loaded_mm_asid, per CPU: a memory location here, read remotely by finish_asid_transition(). */
    private final IntVar[] loadedMmAsid;
    /** The INVLPGBs each CPU issued that its TLBSYNC has not completed. */
    @Ghost private final List<List<Invlpgb>> pending = new ArrayList<>();
    /** The oracle's: per ASID, who freed it if it was freed after the last completed flush of every ASID. */
    @Ghost private final String[] freedUnflushed = new String[Mmu.NR_TAGS];

    X86Invlpgb(Kernel k, ArchX86 x86) {
        this.k = k;
        this.x86 = x86;
        this.globalAsidLock = k.mem.spinLock("global_asid_lock");
        this.loadedMmAsid = new IntVar[k.cfg.cpus()];
        for (int c = 0; c < k.cfg.cpus(); c++) {
            loadedMmAsid[c] = k.mem.intVar("cpu" + c + ".cpu_tlbstate.loaded_mm_asid", 0);
            pending.add(new ArrayList<>());
        }
    }

    private Context context(MmStruct mm) {
        return contexts.computeIfAbsent(mm, m -> new Context(k.mem.intVar(m, m + ".context.global_asid", 0),
                k.mem.intVar(m, m + ".context.asid_transition", 0)));
    }

    /** this_cpu_write(cpu_tlbstate.loaded_mm_asid, asid) (ArchX86 keeps its ghost copy too). */
    void writeLoadedMmAsid(int asid) { k.mem.writeOnce(loadedMmAsid[k.smpProcessorId()], asid); }

    // ---- asm/tlbflush.h ----

    /** mm_global_asid(mm): 0, or the mm's global ASID. */
    int mmGlobalAsid(MmStruct mm) {
        int asid = k.mem.smpLoadAcquire(context(mm).globalAsid());  // pairs with: mm_assign_global_asid's smp_store_release
        /* mm->context.global_asid is either 0, or a global ASID */
        k.warnOn(asid != 0 && !isGlobalAsid(asid), "mm_global_asid", "global_asid " + asid + " is a dynamic ASID");
        return asid;
    }

    /**
     * mm_assign_global_asid(mm, asid). Notably flush_tlb_mm_range() -> broadcast_tlb_flush() ->
     * finish_asid_transition() needs to observe asid_transition = true once it observes global_asid.
     */
    private void mmAssignGlobalAsid(MmStruct mm, int asid) {
        Context c = context(mm);
        k.mem.writeOnce(c.asidTransition(), 1);  // a plain store in C (an aligned bool: KCSAN takes it as atomic)
        k.mem.smpStoreRelease(c.globalAsid(), asid);  // pairs with: mm_global_asid's smp_load_acquire
        k.m.note(() -> mm + " gets global ASID " + asid + ", asid_transition = true");
    }

    /** mm_clear_asid_transition(mm). */
    private void mmClearAsidTransition(MmStruct mm) {
        k.mem.writeOnce(context(mm).asidTransition(), 0);
        k.m.note(() -> mm + ": asid_transition = false (every CPU running it uses its global ASID)");
    }

    /** mm_in_asid_transition(mm). */
    boolean mmInAsidTransition(MmStruct mm) {
        return mm != null && k.mem.readOnce(context(mm).asidTransition()) != 0;
    }

    // ---- arch/x86/mm/tlb.c ----

    /** The allocator: global_asid_used, global_asid_freed, last_global_asid, global_asid_available. */
    static final class GlobalAsidSpace {
        /** Bitmaps of MAX_ASID_AVAILABLE bits in a word, as DECLARE_BITMAP stores them (a bit past the end can be set). */
        @Ghost long used;
        @Ghost long freed;
        @Ghost int lastGlobalAsid = MAX_ASID_AVAILABLE;
        @Ghost int globalAsidAvailable = MAX_ASID_AVAILABLE - TLB_NR_DYN_ASIDS - 1;

        private static final long MASK = (1L << MAX_ASID_AVAILABLE) - 1;  // BITMAP_LAST_WORD_MASK(MAX_ASID_AVAILABLE)

        /**
         * reset_global_asid_space() after its invlpgb_flush_all_nonglobals(): the TLB flush above
         * makes it safe to re-use the previously freed global ASIDs.
         */
        void reset() {
            used = used & ~freed & MASK;  // bitmap_andnot(global_asid_used, global_asid_used, global_asid_freed, MAX_ASID_AVAILABLE)
            freed &= ~MASK;  // bitmap_clear(global_asid_freed, 0, MAX_ASID_AVAILABLE)
            /* Restart the search from the start of global ASID space. */
            lastGlobalAsid = TLB_NR_DYN_ASIDS;
        }

        /** find_next_zero_bit(global_asid_used, MAX_ASID_AVAILABLE, last_global_asid): MAX_ASID_AVAILABLE when none. */
        int findNextZeroBit() {
            for (int b = lastGlobalAsid; b < MAX_ASID_AVAILABLE; b++) if ((used & (1L << b)) == 0) return b;
            return MAX_ASID_AVAILABLE;
        }

        /**
         * allocate_global_asid() with the kernel's bitmap semantics: {@code resetGlobalAsidSpace}
         * when the previous allocation hit the edge, the search from last_global_asid, and the
         * claim ({@code claim} false: the plant that skips it). Returns the ASID, or -1 where the
         * kernel says "This should never happen" (no ASID found and none available) and returns 0.
         *
         * <p>Note what the kernel does when the search finds no zero bit below MAX_ASID_AVAILABLE
         * while global_asid_available is not 0 (ASIDs freed since the last rollover, whose bits
         * stay set until it): find_next_zero_bit() returns MAX_ASID_AVAILABLE, the test lets it
         * through, and MAX_ASID_AVAILABLE itself is claimed and handed out, a bit past the
         * bitmap's end that the next rollover's bitmap_andnot() clears while its mm may still
         * hold it, and that the next such search hands out again.
         */
        int allocate(Runnable resetGlobalAsidSpace, boolean claim) {
            /* The previous allocation hit the edge of available address space */
            if (lastGlobalAsid >= MAX_ASID_AVAILABLE - 1) resetGlobalAsidSpace.run();

            int asid = findNextZeroBit();

            if (asid >= MAX_ASID_AVAILABLE && globalAsidAvailable == 0) {
                /* This should never happen. */
                return -1;
            }

            /* Claim this global ASID. */
            if (claim) claim(asid);
            return asid;
        }

        /** allocate_global_asid()'s claim: __set_bit(asid, global_asid_used); last_global_asid = asid; global_asid_available--. */
        void claim(int asid) {
            used |= 1L << asid;
            lastGlobalAsid = asid;
            globalAsidAvailable--;
        }

        /**
         * mm_free_global_asid()'s: the global ASID can be re-used only after flush at
         * wrap-around ({@code now}: the plant that makes it reusable at once).
         */
        void free(int asid, boolean now) {
            if (now) used &= ~(1L << asid); else freed |= 1L << asid;
            globalAsidAvailable++;
        }
    }

    /**
     * reset_global_asid_space(): when the search for a free ASID in the global ASID space
     * reaches MAX_ASID_AVAILABLE, a global TLB flush guarantees that previously freed global
     * ASIDs are safe to re-use.
     */
    private void resetGlobalAsidSpace() {
        // lockdep_assert_held(&global_asid_lock): its one caller holds it
        invlpgbFlushAllNonglobals();
        space.reset();
        k.m.note(() -> "reset_global_asid_space(): freed global ASIDs reusable, search from " + TLB_NR_DYN_ASIDS);
    }

    /** allocate_global_asid(): 0 when none. */
    private int allocateGlobalAsid() {
        boolean claim = !k.kc.has(Patch.PLANT_GLOBAL_ASID_NO_CLAIM);  // PATCH: plant-global-asid-no-claim
        int asid = space.allocate(this::resetGlobalAsidSpace, claim);
        if (asid < 0) {
            k.warnOn(true, "allocate_global_asid", "Unable to allocate global ASID despite " + space.globalAsidAvailable + " available");
            return 0;
        }
        if (freedUnflushed[asid] != null) {
            throw new Violation("GlobalAsid", "allocate_global_asid",
                    "cpu" + k.smpProcessorId() + " (" + k.current() + ") hands out global ASID " + asid + ", freed by "
                            + freedUnflushed[asid] + " with no invlpgb_flush_all_nonglobals() completed since: other CPUs'"
                            + " TLBs may still hold the old owner's entries under it");
        }
        return asid;
    }

    /**
     * mm_active_cpus_exceeds(mm, threshold): whether a process is currently active on more than
     * {@code threshold} CPUs. A cheap estimation on whether or not it may make sense to assign a
     * global ASID to this process, and use broadcast TLB invalidation.
     */
    private boolean mmActiveCpusExceeds(MmStruct mm, int threshold) {
        int count = 0;
        long mask = k.mem.readOnce(mm.cpumask);
        /* This quick check should eliminate most single threaded programs. */
        if (Long.bitCount(mask) <= threshold) return false;

        /* Slower check to make sure. */
        for (int cpu = 0; cpu < k.cfg.cpus(); cpu++) {
            if ((mask & (1L << cpu)) == 0) continue;
            /* Skip the CPUs that aren't really running this process. */
            if (k.mem.readOnce(x86.tlbstate(cpu).loadedMm) != mm) continue;  // per_cpu(cpu_tlbstate.loaded_mm, cpu)
            if (k.mem.readOnce(x86.tlbstate(cpu).isLazy) != 0) continue;  // per_cpu(cpu_tlbstate_shared.is_lazy, cpu)
            if (++count > threshold) return true;
        }
        return false;
    }

    /** use_global_asid(mm): assign a global ASID to the current process, protecting against races between multiple threads in the process. */
    private void useGlobalAsid(MmStruct mm) {
        long flags = k.mem.spinLockIrqsave(globalAsidLock);  // guard(raw_spinlock_irqsave)(&global_asid_lock)
        try {
            /* This process is already using broadcast TLB invalidation. */
            if (mmGlobalAsid(mm) != 0) return;

            /*
             * The last global ASID was consumed while waiting for the lock. If this fires, a more
             * aggressive ASID reuse scheme might be needed. (A VM_WARN_ONCE in the kernel, whose
             * 4,000 global ASIDs run out only on the largest machines; in the scaled-down model it
             * is a matter of how many processes a program runs, so no report.)
             */
            if (space.globalAsidAvailable == 0) {
                k.m.note(() -> "use_global_asid(" + mm + "): Ran out of global ASIDs");
                return;
            }

            int asid = allocateGlobalAsid();
            if (asid == 0) return;

            mmAssignGlobalAsid(mm, asid);
        } finally {
            k.mem.spinUnlockIrqrestore(globalAsidLock, flags);
        }
    }

    /** mm_free_global_asid(mm), from destroy_context(): the ASID goes back to the allocator, reusable after the next rollover's flush. */
    void mmFreeGlobalAsid(MmStruct mm) {
        if (mmGlobalAsid(mm) == 0) return;

        long flags = k.mem.spinLockIrqsave(globalAsidLock);
        try {
            Context c = context(mm);
            int asid = k.mem.read(c.globalAsid());  // under the lock: plain
            /* The global ASID can be re-used only after flush at wrap-around. */
            space.free(asid, k.kc.has(Patch.PLANT_GLOBAL_ASID_FREE_NOW));  // PATCH: plant-global-asid-free-now: __clear_bit(asid, global_asid_used) instead
            freedUnflushed[asid] = mm + " on cpu" + k.smpProcessorId();
            /*
             * mm->context.global_asid = 0: a plain store in C, ordered after every other CPU's
             * last use of the mm by mmdrop()'s fully ordered atomic_dec_and_test() chain. Marked
             * here: the model's race detector does not carry a release through a chain of RMWs
             * (an RMW's store publishes its own CPU's clock only), so a plain store would be a
             * false DataRace against the exiting CPU's last mm_global_asid().
             */
            k.mem.writeOnce(c.globalAsid(), 0);
            k.m.note(() -> "mm_free_global_asid(" + mm + "): global ASID " + asid + " freed");
        } finally {
            k.mem.spinUnlockIrqrestore(globalAsidLock, flags);
        }
    }

    /** mm_needs_global_asid(mm, asid): is the mm transitioning from a CPU-local ASID to a global ASID? */
    boolean mmNeedsGlobalAsid(MmStruct mm, int asid) {
        int globalAsid = mmGlobalAsid(mm);
        /* Process is transitioning to a global ASID */
        return globalAsid != 0 && asid != globalAsid;
    }

    /**
     * consider_global_asid(mm): x86 has 4k ASIDs (2k when compiled with KPTI), but the largest
     * x86 systems have over 8k CPUs. Because of this potential ASID shortage, global ASIDs are
     * handed out to processes that have frequent TLB flushes and are active on 4 or more CPUs
     * simultaneously.
     */
    void considerGlobalAsid(MmStruct mm) {
        /* Check every once in a while. */
        if (k.m.choose(2) == 0) return;  // (current->pid & 0x1f) != (jiffies & 0x1f)

        /* Assign a global ASID if the process is active on 4 or more CPUs simultaneously. */
        if (mmActiveCpusExceeds(mm, GLOBAL_ASID_THRESHOLD)) useGlobalAsid(mm);
    }

    /** finish_asid_transition(info): clear asid_transition once every CPU running the mm uses its global ASID. */
    private void finishAsidTransition(ArchX86.FlushTlbInfo info) {
        MmStruct mm = info.mm();
        int bcAsid = mmGlobalAsid(mm);

        if (!mmInAsidTransition(mm)) return;

        long mask = k.mem.readOnce(mm.cpumask);  // for_each_cpu(cpu, mm_cpumask(mm))
        for (int cpu = 0; cpu < k.cfg.cpus(); cpu++) {
            if ((mask & (1L << cpu)) == 0) continue;
            ArchX86.CpuTlbState s = x86.tlbstate(cpu);
            /*
             * The remote CPU is context switching. Wait for that to finish, to catch the unlikely
             * case of it switching to the target mm with an out of date ASID.
             */
            k.mem.smpCondLoadRelaxed(s.loadedMm, v -> v != x86.loadedMmSwitching(),
                    "cpu" + cpu + "'s cpu_tlbstate.loaded_mm != LOADED_MM_SWITCHING");  // while (READ_ONCE(...) == LOADED_MM_SWITCHING) cpu_relax();

            if (k.mem.readOnce(s.loadedMm) != mm) continue;

            /*
             * If at least one CPU is not using the global ASID yet, send a TLB flush IPI. The IPI
             * should cause stragglers to transition soon.
             *
             * This can race with the CPU switching to another task; that results in a (harmless)
             * extra IPI.
             */
            if (k.mem.readOnce(loadedMmAsid[cpu]) != bcAsid) {
                x86.flushTlbMulti(info);
                return;
            }
        }

        /* All the CPUs running this process are using the global ASID. */
        mmClearAsidTransition(mm);
    }

    /** broadcast_tlb_flush(info): INVLPGB of the mm's global ASID, then TLBSYNC. */
    void broadcastTlbFlush(ArchX86.FlushTlbInfo info) {
        int asid = mmGlobalAsid(info.mm());

        /*
         * TLB flushes with INVLPGB are kicked off asynchronously. The inc_mm_tlb_gen()
         * guarantees page table updates are done before these TLB flushes happen.
         */
        if (info.end() == Arch.TLB_FLUSH_ALL) {
            invlpgbFlushSinglePcidNosync(asid);
        } else {
            for (long addr = info.start(); addr < info.end(); addr++) invlpgbFlushUserNrNosync(asid, (int) addr);
        }

        finishAsidTransition(info);

        /* Wait for the INVLPGBs kicked off above to finish. */
        if (!k.kc.has(Patch.PLANT_INVLPGB_NO_TLBSYNC)) __tlbsync();  // PATCH: plant-invlpgb-no-tlbsync
    }

    // ---- asm/tlb.h: the instructions ----

    /** invlpgb_flush_user_nr_nosync(kern_pcid(asid), addr, 1, false): one page of one ASID, on every CPU. */
    private void invlpgbFlushUserNrNosync(int asid, int va) {
        queue(new Invlpgb(asid, va, "INVLPGB global ASID " + asid + " va " + va));
    }

    /** invlpgb_flush_single_pcid_nosync(kern_pcid(asid)): every page of one ASID, on every CPU. */
    private void invlpgbFlushSinglePcidNosync(int asid) {
        queue(new Invlpgb(asid, -1, "INVLPGB global ASID " + asid));
    }

    /** invlpgb_flush_all_nonglobals(): guard(preempt)(); every ASID on every CPU; __tlbsync(). */
    private void invlpgbFlushAllNonglobals() {
        TaskStruct me = k.current();
        me.preemptCount++;
        queue(new Invlpgb(-1, -1, "INVLPGB all non-global"));
        __tlbsync();
        me.preemptCount--;
    }

    private void queue(Invlpgb op) {
        pending.get(k.smpProcessorId()).add(op);
        k.m.note(() -> "cpu" + k.smpProcessorId() + ": " + op.what() + " (tlbsync pending)");
    }

    /**
     * __tlbsync(): wait until every INVLPGB this CPU issued has taken effect on every CPU, and
     * every access another CPU had under way through an entry it removed is done (an access is
     * one instruction; it completes).
     */
    private void __tlbsync() {
        int me = k.smpProcessorId();
        List<Invlpgb> mine = pending.get(me);
        if (mine.isEmpty()) return;
        for (Invlpgb op : mine) {
            for (Rq rq : k.rqs) rq.mmu.invlpgb(op.asid(), op.va());
            for (Rq rq : k.rqs) {
                if (rq.cpu == me) continue;
                k.m.await(() -> !rq.mmu.accessInFlight(op.asid(), op.va()),
                        "TLBSYNC: cpu" + rq.cpu + "'s access through " + op.what());
            }
            if (op.asid() < 0) java.util.Arrays.fill(freedUnflushed, null);
        }
        int n = mine.size();
        mine.clear();
        k.m.note(() -> "cpu" + k.smpProcessorId() + ": TLBSYNC completes " + n + " INVLPGB");
    }

    // ---- the oracle ----

    /** After every step: no two live mms share a global ASID. */
    void checkStep() {
        for (int i = 0; i < k.mms.size(); i++) {
            MmStruct a = k.mms.get(i);
            Context ca = contexts.get(a);
            if (a.freed || ca == null) continue;
            long asid = k.mem.peekLatest(ca.globalAsid());
            if (asid == 0) continue;
            for (int j = i + 1; j < k.mms.size(); j++) {
                MmStruct b = k.mms.get(j);
                Context cb = contexts.get(b);
                if (b.freed || cb == null || k.mem.peekLatest(cb.globalAsid()) != asid) continue;
                throw new Violation("GlobalAsid", "mm->context.global_asid",
                        a + " and " + b + " both have global ASID " + asid + " (global_asid_used "
                                + Long.toBinaryString(space.used) + ", freed " + Long.toBinaryString(space.freed)
                                + ", last_global_asid " + space.lastGlobalAsid + ", available " + space.globalAsidAvailable
                                + "): two live address spaces under one PCID on every CPU");
            }
        }
    }
}
