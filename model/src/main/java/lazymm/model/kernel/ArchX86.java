package lazymm.model.kernel;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.RefVar;
import lazymm.model.sim.Ghost;

/**
 * x86 (arch/x86/mm/tlb.c and arch/x86/include/asm/tlbflush.h, v7.1.5), with PCID and without
 * INVLPGB: per-CPU cpu_tlbstate (loaded_mm with the LOADED_MM_SWITCHING sentinel,
 * loaded_mm_asid, next_asid, ctxs[] of {ctx_id, tlb_gen}) and cpu_tlbstate_shared.is_lazy,
 * switch_mm_irqs_off step by step, enter_lazy_tlb, choose_new_asid, flush_tlb_mm_range,
 * native_flush_tlb_multi, should_flush_tlb, flush_tlb_func, and the CPU's {@link Mmu}.
 *
 * <p>mm_cpumask: switch_mm_irqs_off sets this CPU in the next mm's mask when it is missing and
 * never clears the previous one (209954cbc7d0, "Update mm_cpumask lazily"); flush_tlb_func
 * clears it when an IPI finds the mm no longer loaded. So the mask holds every CPU that may be
 * lazily using the mm in hardware; not every CPU whose rq->lazy_mm names it (a flush sends a
 * lazy CPU to init_mm, the next one trims it): HP-X86-TRIM.
 *
 * <p>Accessors: this_cpu_read / this_cpu_write are single %gs-relative instructions, marked
 * accesses here (KCSAN does not instrument them); the remote per_cpu() reads of should_flush_tlb
 * are plain C, modelled as marked reads: the race detector does not judge that pair.
 *
 * <p>Variants: X86-SWITCH-ORDER is the order before fea4e317f9e7 (CVE-2025-37964: the
 * SWITCHING store after the tlb_gen read); X86-SWITCH-MB is the code between that fix and
 * 83b0177a6c48 (CVE-2025-40174: no smp_mb() when this CPU's bit is already set).
 *
 * <p>Mutant MUT-fea4e317f9e7-b: should_flush_tlb() before fea4e317f9e7 (v6.15), the hunk that
 * fixed CVE-2025-37964 by its commit message: no LOADED_MM_SWITCHING test (and no smp_rmb()), so
 * a CPU that read the old tlb_gen in switch_mm_irqs_off() and has not yet stored loaded_mm = next
 * is skipped unless the flush trims.
 *
 * <p>Mutant MUT-953753db887f: before 953753db887f (v6.14) only remote CPUs cleared a stale
 * mm_cpumask bit and returned; the initiating CPU went on to compare f->new_tlb_gen with its
 * loaded mm's generations, which disagree only while another CPU flushes that mm: reached by
 * mkclean:G, a flush of another process's mm (exec's and exit's exit_mmap never meet it).
 *
 * <p>With X86_FEATURE_INVLPGB (a variant that declares it): broadcast TLB invalidation with global
 * ASIDs, {@link X86Invlpgb}, called at each of the kernel's INVLPGB branches below (choose_new_asid,
 * the same-mm path of switch_mm_irqs_off, flush_tlb_func, flush_tlb_mm_range,
 * native_flush_tlb_multi, destroy_context); without it those branches are not taken and cost no
 * access.
 *
 * <p>Left out: PTI's user PCIDs, LAM, cond_mitigation, the LDT and
 * PCE updates, the trim timer (whether this flush trims is a scheduler choice), the
 * flush_tlb_info reentrancy checks, temporary mms, arch_tlbbatch_flush (reclaim's batched
 * flushes), leave_mm from idle drivers unless the variant declares CPUIDLE_FLAG_TLB_FLUSHED (then
 * cpuidleEnterTlbFlushed below, from the idle loop).
 *
 * <p>Core serialization, what membarrier SYNC_CORE relies on: the CR3 write, IRET
 * (arch/x86/entry/entry_64.S) and sync_core_before_usermode() (arch/x86/include/asm/sync_core.h);
 * not SYSRET.
 */
@KernelFile("arch/x86/mm/tlb.c")
final class ArchX86 extends Arch {

    /** struct tlb_state (this CPU's) and tlb_state_shared. */
    static final class CpuTlbState {
        /** cpu_tlbstate.loaded_mm: read remotely by should_flush_tlb. */
        final RefVar<MmStruct> loadedMm;
        /** cpu_tlbstate_shared.is_lazy: read remotely by should_flush_tlb. */
        final IntVar isLazy;
        /** cpu_tlbstate.loaded_mm_asid, next_asid, ctxs[]: this CPU's only. */
        @Ghost int loadedMmAsid;
        @Ghost int nextAsid = 1;
        @Ghost final long[] ctxId = new long[Mmu.NR_PCIDS];
        @Ghost final long[] ctxTlbGen = new long[Mmu.NR_PCIDS];

        CpuTlbState(Kernel k, int cpu) {
            this.loadedMm = k.mem.refVar(this, "cpu" + cpu + ".cpu_tlbstate.loaded_mm", k.initMm);
            this.isLazy = k.mem.intVar(this, "cpu" + cpu + ".cpu_tlbstate_shared.is_lazy", 0);
        }
    }

    /** struct flush_tlb_info (initiating_cpu: flush_tlb_func()'s "local"). */
    record FlushTlbInfo(MmStruct mm, long start, long end, boolean freedTables, long newTlbGen,
                                boolean trimCpumask, int initiatingCpu) {}

    /** choose_new_asid()'s result. */
    private record NewAsid(int asid, boolean needFlush) {}

    /** LOADED_MM_SWITCHING ((struct mm_struct *)1UL): a sentinel, never dereferenced. */
    private final MmStruct loadedMmSwitching;
    private final CpuTlbState[] tlbstate;
    /** Broadcast TLB invalidation: cpu_feature_enabled(X86_FEATURE_INVLPGB), or null without it. */
    private final X86Invlpgb invlpgb;

    ArchX86(Kernel k) {
        super(k);
        this.loadedMmSwitching = new MmStruct(k.mem, "LOADED_MM_SWITCHING", false, -1, 0, 0, 0);
        this.tlbstate = new CpuTlbState[k.cfg.cpus()];
        this.invlpgb = k.kc.has(KernelVariant.CpuFeature.X86_FEATURE_INVLPGB) ? new X86Invlpgb(k, this) : null;
    }

    /** per_cpu(cpu_tlbstate, cpu) and cpu_tlbstate_shared: for the remote reads of X86Invlpgb. */
    CpuTlbState tlbstate(int cpu) { return tlbstate[cpu]; }

    /** LOADED_MM_SWITCHING. */
    MmStruct loadedMmSwitching() { return loadedMmSwitching; }

    @Override String name() { return "x86"; }


    private CpuTlbState me() { return tlbstate[k.smpProcessorId()]; }

    /** initialize_tlbstate_and_flush() (from cpu_init() at boot and CPU online): init_mm in slot 0, all else flushed. */
    @Override
    void cpuInitMm(TaskStruct idle) {
        CpuTlbState s = me();
        s.ctxId[0] = k.initMm.ctxId;
        s.ctxTlbGen[0] = k.mem.atomicRead(k.initMm.tlbGen);
        for (int i = 1; i < Mmu.NR_PCIDS; i++) s.ctxId[i] = 0;
        s.nextAsid = 1;
        s.loadedMmAsid = 0;
        if (invlpgb != null) invlpgb.writeLoadedMmAsid(0);
        k.mem.writeOnce(s.loadedMm, k.initMm);
        k.mem.writeOnce(s.isLazy, 0);
        Rq rq = k.thisRq();
        rq.mmu.flushAll();  // write_cr3(build_cr3(init_mm.pgd, 0, 0)) with CR4.PCIDE toggled
        rq.mmu.cr3Pcid = 0;
        rq.hwMm = k.initMm;
    }

    /** IRET is serializing: it also drains the store buffer. */
    @Override
    void exceptionReturn() {
        k.mem.smpMb();  // IRET, serializing
        k.membarrierUser.coreSerialized();
    }

    @Override boolean hasSyncCoreBeforeUsermode() { return true; }

    /**
     * sync_core_before_usermode(): "x86 implements return to user-space through sysexit, sysrel,
     * and sysretq, which are not core serializing", so sync_core() (SERIALIZE, or IRET to self):
     * serializing, so also a full barrier. The model is without PTI (with it, the return to user
     * space writes CR3 and this returns at once).
     */
    @Override
    void syncCoreBeforeUsermode() {
        k.mem.smpMb();  // sync_core() drains the store buffer as every serializing instruction does
        k.membarrierUser.coreSerialized();
    }

    /** The boot state (what cpu_init() leaves at boot): init_mm loaded in slot 0. */
    @Override
    void boot(int cpu) {
        tlbstate[cpu] = new CpuTlbState(k, cpu);
        tlbstate[cpu].ctxId[0] = k.initMm.ctxId;
    }

    /**
     * Please ignore the name of this function.  It should be called
     * switch_to_kernel_thread(). [...] The scheduler reserves the right to call enter_lazy_tlb()
     * several times in a row.
     */
    @Override
    void enterLazyTlb(MmStruct mm, TaskStruct tsk) {
        CpuTlbState s = me();
        if (k.mem.readOnce(s.loadedMm) == k.initMm) return;
        k.mem.writeOnce(s.isLazy, 1);
    }

    /**
     * switch_mm_irqs_off(unused, next, tsk): x86 uses cpu_tlbstate.loaded_mm instead of the
     * first argument, because it does not always keep current->active_mm up to date.
     */
    @Override
    void switchMmIrqsOff(MmStruct unused, MmStruct next, TaskStruct tsk) {
        CpuTlbState s = me();
        int cpu = k.smpProcessorId();
        MmStruct prev = k.mem.readOnce(s.loadedMm);
        int prevAsid = s.loadedMmAsid;
        boolean wasLazy = k.mem.readOnce(s.isLazy) != 0;
        long nextTlbGen;
        NewAsid ns;

        /* We don't want flush_tlb_func() to run concurrently with us. */
        k.warnOn(!k.irqsDisabled(), "switch_mm_irqs_off", "IRQs on");

        if (wasLazy) k.mem.writeOnce(s.isLazy, 0);

        /*
         * The membarrier system call requires a full memory barrier and
         * core serialization before returning to user-space, after
         * storing to rq->curr, when changing mm. [...] Writing to CR3
         * provides that full memory barrier and core serializing
         * instruction.
         */
        if (prev == next && invlpgb != null && invlpgb.mmNeedsGlobalAsid(next, prevAsid)) {
            /* Check if the current mm is transitioning to a global ASID */
            nextTlbGen = k.mem.atomicRead(next.tlbGen);
            ns = chooseNewAsid(s, next, nextTlbGen);
            // goto reload_tlb;
        } else if (prev == next) {
            /*
             * Broadcast TLB invalidation keeps this ASID up to date
             * all the time.
             */
            if (X86Invlpgb.isGlobalAsid(prevAsid)) return;

            /*
             * If the CPU is not in lazy TLB mode, we are just switching
             * from one thread in a process to another thread in the same
             * process. No TLB flush required.
             */
            if (!wasLazy) return;
            if (k.kc.has(Patch.PLANT_NO_LAZY_CATCHUP)) return;  // PATCH: plant-no-lazy-catchup: a lazy CPU comes back without comparing generations

            /*
             * Read the tlb_gen to check whether a flush is needed.
             * If the TLB is up to date, just use it.
             * The barrier synchronizes with the tlb_gen increment in
             * the TLB shootdown code.
             */
            k.mem.smpMb();  // pairs with: flush_tlb_mm_range's inc_mm_tlb_gen (is_lazy = false; mb; read gen)
            nextTlbGen = k.mem.atomicRead(next.tlbGen);
            if (s.ctxTlbGen[prevAsid] == nextTlbGen) return;

            /*
             * TLB contents went out of date while we were in lazy
             * mode. Fall through to the TLB switching code below.
             */
            ns = new NewAsid(prevAsid, true);
        } else {
            boolean late = !k.kc.has(Patch.X86_SWITCHING_FIRST);  // PATCH: fea4e317f9e7: before it, SWITCHING was stored after the tlb_gen read
            /*
             * Indicate that CR3 is about to change. nmi_uaccess_okay()
             * and others are sensitive to the window where mm_cpumask(),
             * CR3 and cpu_tlbstate.loaded_mm are not all in sync.
             */
            if (!late) k.mem.writeOnce(s.loadedMm, loadedMmSwitching);

            /*
             * Make sure this CPU is set in mm_cpumask() such that we'll
             * receive invalidation IPIs.
             *
             * Rely on the smp_mb() implied by cpumask_set_cpu()'s atomic
             * operation, or explicitly provide one. Such that:
             *
             * switch_mm_irqs_off()                flush_tlb_mm_range()
             *   smp_store_release(loaded_mm, SWITCHING);   atomic64_inc_return(tlb_gen)
             *   smp_mb(); // here                          // smp_mb() implied
             *   atomic64_read(tlb_gen);                    this_cpu_read(loaded_mm);
             *
             * This way switch_mm() must see the new tlb_gen or
             * flush_tlb_mm_range() must see the new loaded_mm, or both.
             */
            int bit = 1 << cpu;
            if (next != k.initMm && (k.mem.readOnce(next.cpumask) & bit) == 0) {
                k.mem.atomicOr(bit, next.cpumask);  // cpumask_set_cpu(): a locked or; pairs with: flush_tlb_mm_range's inc_mm_tlb_gen
            } else if (k.kc.has(Patch.X86_SWITCH_MB)) {  // PATCH: 83b0177a6c48: before it, no barrier when the bit is set
                k.mem.smpMb();  // pairs with: flush_tlb_mm_range's inc_mm_tlb_gen
            }

            nextTlbGen = k.mem.atomicRead(next.tlbGen);
            ns = chooseNewAsid(s, next, nextTlbGen);

            if (late) {
                k.mem.writeOnce(s.loadedMm, loadedMmSwitching);  // PATCH: fea4e317f9e7: before it, the store came here
                k.mem.barrier();
            }
        }

        // reload_tlb:
        if (ns.needFlush()) {
            if (invlpgb != null) k.warnOn(X86Invlpgb.isGlobalAsid(ns.asid()), "switch_mm_irqs_off", "need_flush with global ASID " + ns.asid());
            s.ctxId[ns.asid()] = next.ctxId;
            s.ctxTlbGen[ns.asid()] = nextTlbGen;
            loadNewMmCr3(next, ns.asid(), true);
        } else {
            /* The new ASID is already up to date. */
            loadNewMmCr3(next, ns.asid(), false);
        }

        /* Make sure we write CR3 before loaded_mm. */
        k.mem.barrier();

        k.mem.writeOnce(s.loadedMm, next);
        s.loadedMmAsid = ns.asid();
        if (invlpgb != null) invlpgb.writeLoadedMmAsid(ns.asid());
    }

    /** choose_new_asid(next, next_tlb_gen): the slot that has next's ctx_id, else the next one round-robin. */
    private NewAsid chooseNewAsid(CpuTlbState s, MmStruct next, long nextTlbGen) {
        /*
         * TLB consistency for global ASIDs is maintained with hardware assisted
         * remote TLB flushing. Global ASIDs are always up to date.
         */
        if (invlpgb != null) {
            int globalAsid = invlpgb.mmGlobalAsid(next);
            if (globalAsid != 0) return new NewAsid(globalAsid, false);
        }

        for (int asid = 0; asid < Mmu.NR_PCIDS; asid++) {
            if (s.ctxId[asid] != next.ctxId) continue;
            return new NewAsid(asid, s.ctxTlbGen[asid] < nextTlbGen);
        }
        /*
         * We don't currently own an ASID slot on this CPU.
         * Allocate a slot.
         */
        int asid = s.nextAsid++;
        if (asid >= Mmu.NR_PCIDS) {
            asid = 0;
            s.nextAsid = 1;
        }
        return new NewAsid(asid, true);
    }

    /**
     * load_new_mm_cr3(): write_cr3(). Caution: many callers of this function expect that
     * load_cr3() is serializing and orders TLB fills with respect to the mm_cpumask writes.
     */
    private void loadNewMmCr3(MmStruct next, int asid, boolean needFlush) {
        Rq rq = k.thisRq();
        if (!k.kc.has(Patch.PLANT_NO_MB_E)) k.mem.smpMb();  // the CR3 write is serializing: membarrier's (e); pairs with: membarrier's smp_mb() (a); PATCH: plant-no-mb-e
        rq.hwMm = next;
        rq.mmu.cr3Pcid = asid;
        if (needFlush) rq.mmu.flushPcid(asid);  // without CR3_NOFLUSH: the PCID's entries go
        k.membarrierUser.coreSerialized();  // the CR3 write serializes the core: membarrier SYNC_CORE after changing mm
    }

    // ---- user accesses ----

    @Override
    UserPage translate(MmStruct mm, int va) {
        return k.thisRq().mmu.translate(k, mm, va);
    }

    @Override
    void checkUsed(UserPage p, int va) { k.thisRq().mmu.checkUsed(k, p, va); }

    /**
     * cpuidle_enter_state() of a state with CPUIDLE_FLAG_TLB_FLUSHED (IRQs off since
     * cpuidle_idle_call()): leave_mm().
     */
    @Override
    void cpuidleEnterTlbFlushed() {
        boolean was = k.localIrqSave();
        leaveMm();
        k.localIrqRestore(was);
    }

    /** leave_mm(). */
    private void leaveMm() {
        MmStruct loadedMm = k.mem.readOnce(me().loadedMm);

        /*
         * It's plausible that we're in lazy TLB mode while our mm is init_mm.
         * If so, our callers still expect us to flush the TLB, but there
         * aren't any user TLB entries in init_mm to worry about.
         *
         * This needs to happen before any other sanity checks due to
         * intel_idle's shenanigans.
         */
        if (loadedMm == k.initMm) return;

        /* Warn if we're not lazy. */
        k.warnOn(k.mem.readOnce(me().isLazy) == 0, "leave_mm", "cpu" + k.smpProcessorId() + " has " + loadedMm
                + " loaded and is not in lazy TLB mode (cpu_tlbstate.loaded_mm_asid " + me().loadedMmAsid + ")");

        switchMm(null, k.initMm, null);
    }

    /** destroy_context(mm) (asm/mmu_context.h), from __mmdrop: mm_free_global_asid(mm). */
    @Override
    void destroyContext(MmStruct mm) { if (invlpgb != null) invlpgb.mmFreeGlobalAsid(mm); }

    /** The GlobalAsid oracle (with INVLPGB). */
    @Override
    void checkStep() { if (invlpgb != null) invlpgb.checkStep(); }

    @Override
    void speculativeWalk(int va) {
        boolean was = k.localIrqSave();  // part of one instruction: interrupts come before or after it
        Rq rq = k.thisRq();
        if (rq.hwMm != k.initMm) rq.mmu.speculativeWalk(k, rq.hwMm, va);
        k.localIrqRestore(was);
    }

    // ---- flushing ----

    /** inc_mm_tlb_gen(): bump the generation; also a full barrier that synchronizes with switch_mm(). */
    private long incMmTlbGen(MmStruct mm) {
        return k.mem.atomicIncReturn(mm.tlbGen);  // atomic64_inc_return(): fully ordered; pairs with: switch_mm_irqs_off's smp_mb / cpumask_set_cpu
    }

    @Override
    String flushTlbMmRange(MmStruct mm, long start, long end, boolean freedTables) {
        TaskStruct me = k.current();
        me.preemptCount++;  // get_cpu()
        int cpu = k.smpProcessorId();

        /* This is also a barrier that synchronizes with switch_mm(). */
        long newTlbGen = incMmTlbGen(mm);

        // get_flush_tlb_info(): ranges above tlb_single_page_flush_ceiling (33 pages) become full flushes
        long mask;
        if (invlpgb != null && invlpgb.mmGlobalAsid(mm) != 0) {  // if (mm_global_asid(mm))
            invlpgb.broadcastTlbFlush(new FlushTlbInfo(mm, start, end, freedTables, newTlbGen, false, cpu));
        } else if (((mask = k.mem.readOnce(mm.cpumask)) & ~(1L << cpu)) != 0) {  // cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids
            boolean trim = k.m.choose(2) == 1;  // should_trim_cpumask(): time_after(jiffies, next_trim_cpumask)
            FlushTlbInfo info = new FlushTlbInfo(mm, start, end, freedTables, newTlbGen, trim, cpu);
            nativeFlushTlbMulti(info);
            if (invlpgb != null) invlpgb.considerGlobalAsid(mm);
        } else if (mm == k.mem.readOnce(me().loadedMm)) {
            FlushTlbInfo info = new FlushTlbInfo(mm, start, end, freedTables, newTlbGen, false, cpu);
            k.localIrqDisable();
            flushTlbFunc(info);
            k.localIrqEnable();
        }
        me.preemptCount--;  // put_cpu()
        return "flush_tlb_mm_range(" + mm + ", gen " + newTlbGen + (freedTables ? ", freed_tables" : "") + ") of "
                + me + " on cpu" + cpu;
    }

    /**
     * native_flush_tlb_multi(mm_cpumask(mm), info). If no page tables were freed, we can skip
     * sending IPIs to CPUs in lazy TLB mode. They will flush the CPU themselves at the next
     * context switch. However, if page tables are getting freed, we need to send the IPI
     * everywhere, to prevent CPUs in lazy TLB mode from tripping up on the new contents of what
     * used to be page tables, while doing a speculative memory access.
     */
    private void nativeFlushTlbMulti(FlushTlbInfo info) {
        long cpumask = k.mem.readOnce(info.mm().cpumask);  // the mask is read again as the IPIs go out
        if ((info.freedTables() && !k.kc.has(Patch.PLANT_NO_FREED_TABLES_IPI))  // PATCH: plant-no-freed-tables-ipi: lazy CPUs skipped even when tables are freed
                || (invlpgb != null && invlpgb.mmInAsidTransition(info.mm()))) {
            k.smp.onEachCpuMask(cpumask, () -> flushTlbFunc(info), true, "flush_tlb_func");
        } else {
            k.smp.onEachCpuCondMask(cpu -> shouldFlushTlb(cpu, info), cpumask, () -> flushTlbFunc(info), true,
                    "flush_tlb_func");
        }
    }

    /** flush_tlb_multi(mm_cpumask(info->mm), info): finish_asid_transition()'s IPIs to the stragglers. */
    void flushTlbMulti(FlushTlbInfo info) { nativeFlushTlbMulti(info); }

    /** should_flush_tlb(cpu, info): evaluated on the sending CPU for each CPU in the mask. */
    private boolean shouldFlushTlb(int cpu, FlushTlbInfo info) {
        boolean fixed = k.kc.has(Patch.X86_SHOULD_FLUSH_SWITCHING);  // PATCH: fea4e317f9e7-b: before it, loaded_mm was read only for the "target mm is loaded" test below
        MmStruct loadedMm = fixed ? k.mem.readOnce(tlbstate[cpu].loadedMm) : null;  // per_cpu(cpu_tlbstate.loaded_mm, cpu); PATCH: fea4e317f9e7-b

        /*
         * Order the 'loaded_mm' and 'is_lazy' against their
         * write ordering in switch_mm_irqs_off(). Ensure
         * 'is_lazy' is at least as new as 'loaded_mm'.
         */
        if (fixed) k.mem.smpRmb();  // pairs with: switch_mm_irqs_off's is_lazy = false before loaded_mm = next; PATCH: fea4e317f9e7-b

        /* Lazy TLB will get flushed at the next context switch. */
        if (k.mem.readOnce(tlbstate[cpu].isLazy) != 0) return false;

        /* No mm means kernel memory flush. */
        if (info.mm() == null) return true;

        /*
         * While switching, the remote CPU could have state from
         * either the prev or next mm. Assume the worst and flush.
         */
        if (fixed && loadedMm == loadedMmSwitching) return true;  // PATCH: fea4e317f9e7-b: before it, a CPU between its tlb_gen read and loaded_mm = next was not flushed

        /* The target mm is loaded, and the CPU is not lazy. */
        if (!fixed) loadedMm = k.mem.readOnce(tlbstate[cpu].loadedMm);  // PATCH: fea4e317f9e7-b: before it, "if (per_cpu(cpu_tlbstate.loaded_mm, cpu) == info->mm)"
        if (loadedMm == info.mm()) return true;

        /* In cpumask, but not the loaded mm? Periodically remove by flushing. */
        return info.trimCpumask();
    }

    /** flush_tlb_func(info): on the target CPU, interrupts off. */
    private void flushTlbFunc(FlushTlbInfo f) {
        CpuTlbState s = me();
        int cpu = k.smpProcessorId();
        MmStruct loadedMm = k.mem.readOnce(s.loadedMm);
        int loadedMmAsid = s.loadedMmAsid;
        if (k.kc.has(Patch.PLANT_PTL_IN_IRQ) && f.mm() != null) {  // PATCH: plant-ptl-in-irq: the IPI handler takes the mm's page-table lock
            k.mem.spinLock(f.mm().ptl);
            k.mem.spinUnlock(f.mm().ptl);
        }

        boolean local = cpu == f.initiatingCpu();
        if (k.kc.has(Patch.X86_TLB_LOCAL_STALE) || !local) {  // PATCH: 953753db887f: before it, inside "if (!local) { ... }": "Can only happen on remote CPUs"
            /* The CPU was left in the mm_cpumask of the target mm. Clear it. */
            if (f.mm() != null && f.mm() != loadedMm) {
                k.mem.atomicAndnot(1 << cpu, f.mm().cpumask);  // cpumask_clear_cpu()
                return;
            }
        }
        if (loadedMm == k.initMm) return;

        boolean lazyFirst = k.kc.has(Patch.RIEL_FLUSH_FUNC_LAZY_FIRST);  // PATCH: riel-flush-func-lazy-first
        if (lazyFirst && k.mem.readOnce(s.isLazy) != 0) {  // PATCH: riel-flush-func-lazy-first: the lazy test moved before the global ASID test
            switchMmIrqsOff(null, k.initMm, null);  // PATCH: riel-flush-func-lazy-first
            return;  // PATCH: riel-flush-func-lazy-first
        }

        /* Reload the ASID if transitioning into or out of a global ASID */
        if (invlpgb != null && invlpgb.mmNeedsGlobalAsid(loadedMm, loadedMmAsid)) {
            switchMmIrqsOff(null, loadedMm, null);
            loadedMmAsid = s.loadedMmAsid;
        }

        /* Broadcast ASIDs are always kept up to date with INVLPGB. */
        if (X86Invlpgb.isGlobalAsid(loadedMmAsid)) return;

        if (!lazyFirst && k.mem.readOnce(s.isLazy) != 0) {  // PATCH: riel-flush-func-lazy-first: moved from here
            /*
             * We're in lazy mode.  We need to at least flush our
             * paging-structure cache to avoid speculatively reading
             * garbage into our TLB.  Since switching to init_mm is barely
             * slower than a minimal flush, just switch to init_mm.
             */
            switchMmIrqsOff(null, k.initMm, null);
            return;
        }

        long localTlbGen = s.ctxTlbGen[loadedMmAsid];
        if (f.newTlbGen() <= localTlbGen) {
            /* The TLB is already up to date in respect to f->new_tlb_gen. */
            return;
        }

        long mmTlbGen = k.mem.atomicRead(loadedMm.tlbGen);
        if (localTlbGen == mmTlbGen) {
            /* There's nothing to do: we're already up to date. */
            return;
        }
        k.warnOn(localTlbGen > mmTlbGen, "flush_tlb_func", "local_tlb_gen > mm_tlb_gen");
        k.warnOn(f.newTlbGen() > mmTlbGen, "flush_tlb_func", "f->new_tlb_gen > mm_tlb_gen");

        Mmu mmu = k.thisRq().mmu;
        if (f.end() != TLB_FLUSH_ALL && f.newTlbGen() == localTlbGen + 1 && f.newTlbGen() == mmTlbGen) {
            /* Partial flush */
            for (long addr = f.start(); addr < f.end(); addr++) mmu.flushOne((int) addr);  // flush_tlb_one_user()
        } else {
            /* Full flush. */
            mmu.flushPcid(mmu.cr3Pcid);  // flush_tlb_local()
        }

        /* Both paths above update our state to mm_tlb_gen. */
        s.ctxTlbGen[loadedMmAsid] = mmTlbGen;
    }
}
