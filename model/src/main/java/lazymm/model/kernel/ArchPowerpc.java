package lazymm.model.kernel;

import java.util.IdentityHashMap;
import java.util.Map;
import lazymm.model.mem.IntVar;

/**
 * powerpc book3s64 radix, v7.1.5: switch_mm_irqs_off (arch/powerpc/mm/mmu_context.c), the TLB
 * flushes of arch/powerpc/mm/book3s64/radix_tlb.c (radix__tlb_flush: __flush_all_mm for a
 * full-mm gather, __radix__flush_tlb_range_psize for a range, with the page-walk cache when page
 * tables are freed; flush_type_needed; exit_lazy_flush_tlb and exit_flush_lazy_tlbs, the
 * mm_cpumask trimming), mm->context.active_cpus (inc/dec_mm_active_cpus,
 * arch/powerpc/include/asm/mmu_context.h), cleanup_cpu_mmu_context at CPU offline, and each
 * CPU's {@link RadixTlb}.
 *
 * <p>mm_cpumask: switch_mm_irqs_off sets this CPU in next's mask (and active_cpus) with an
 * smp_mb() after it when it is new, and never clears prev's. Bits are cleared by
 * exit_lazy_flush_tlb (the trimming IPIs, and this CPU's own trim), which first sends a lazy user
 * of the mm to init_mm, so the mask stays a superset of the CPUs lazily on the mm (what
 * MMU_LAZY_TLB_SHOOTDOWN relies on); and by CPU offline's clear_tasks_mm_cpumask, which does not
 * look at who is lazily using an mm (SHOOT-TRIM before v6.14) and leaves active_cpus high.
 *
 * <p>The machine is PowerNV with GTSE and tlbie enabled (cputlb_use_tlbie()): a GLOBAL flush is a
 * broadcast tlbie, not the IPI'd tlbiel of _tlbiel_*_multicast nor pseries' H_RPT_INVALIDATE.
 * The range of the model (two pages) is below both single-page ceilings, so a range flush is
 * per page, never a whole-PID one. The trim clock (every 1073rd flush on a CPU,
 * tick_and_test_trim_clock) is a scheduler choice here: whether a flush ticks over.
 *
 * <p>Variant: PPC-TRIM-KTHREAD is the code a665eec0a22e ("powerpc/64s/radix: Fix mm_cpumask
 * trimming race vs kthread_use_mm", v5.10) fixed: do_exit_flush_lazy_tlb returns at once for a
 * CPU whose current->mm is the mm, a trimmed CPU does not clear its own bit, and the sender resets
 * the mask to itself afterwards (mm_reset_thread_local), so a kthread that kthread_use_mm()s the
 * mm after the flusher read mm_users loses its bit while it runs on the mm. That kernel had no
 * trim clock (it came later), lazy mms were refcounted, and CPU offline was the v5.8..v6.13 path.
 *
 * <p>Mutant MUT-dfaed3e1fa70: exit_lazy_flush_tlb() before dfaed3e1fa70 (v6.4) switched a lazy
 * kthread to init_mm with whatever IRQ state its caller had: IRQs off from the IPI, on from
 * flush_type_needed()'s own trim.
 *
 * <p>Left out: coprocessors (mm->context.copros is 0: no nest MMU, no
 * mm_needs_flush_escalation), the hash MMU and its batching, huge pages (hflush), PID allocation,
 * the mmu notifiers' secondary TLBs, altivec's DSSALL.
 */
@KernelFile("arch/powerpc/mm/book3s64/radix_tlb.c")
final class ArchPowerpc extends Arch {

    /** enum tlb_flush_type. */
    private enum FlushType { NONE, LOCAL, GLOBAL }

    /** The RIC field of tlbie/tlbiel: what of a PID to invalidate. */
    private enum Ric { FLUSH_TLB, FLUSH_PWC, FLUSH_ALL }

    private final RadixTlb[] tlbs;
    /** mm->context.active_cpus (atomic_t), made at the mm's first use here (init_new_context: 0). */
    private final Map<MmStruct, IntVar> activeCpus = new IdentityHashMap<>();

    ArchPowerpc(Kernel k) {
        super(k);
        this.tlbs = new RadixTlb[k.cfg.cpus()];
    }

    @Override String name() { return "powerpc"; }

    @Override void boot(int cpu) { tlbs[cpu] = new RadixTlb(cpu); }

    private IntVar activeCpus(MmStruct mm) {
        return activeCpus.computeIfAbsent(mm, m -> k.mem.intVar(m, m.name + ".context.active_cpus", 0));
    }

    private RadixTlb tlb(int cpu) { return tlbs[cpu]; }

    /** The mm_cpumask trimming of kernels before a665eec0a22e (PPC-TRIM-KTHREAD). */
    private boolean trimKthread() { return !k.kc.has(Patch.PPC_TRIM_KTHREAD); }  // PATCH: a665eec0a22e

    // ---- switch_mm ----

    @Override
    void switchMmIrqsOff(MmStruct prev, MmStruct next, TaskStruct tsk) {
        Rq rq = k.thisRq();
        int bit = 1 << rq.cpu;
        boolean newOnCpu = false;
        /* Mark this context has been used on the new CPU */
        if ((k.mem.readOnce(next.cpumask) & bit) == 0) {
            k.mem.atomicOr(bit, next.cpumask);       // cpumask_set_cpu()
            k.mem.atomicInc(activeCpus(next));       // inc_mm_active_cpus()
            /*
             * This full barrier orders the store to the cpumask above vs
             * a subsequent load which allows this CPU/MMU to begin loading
             * translations for 'next' from page table PTEs into the TLB.
             * [...] This full barrier is also needed by membarrier when
             * switching between processes after store to rq->curr, before
             * user-space memory accesses.
             */
            if (!k.kc.has(Patch.PLANT_PPC_NO_SWITCH_MB)) k.mem.smpMb();  // pairs with: the smp_mb() of the radix flushes between the PTE clear and flush_type_needed's reads; PATCH: plant-ppc-no-switch-mb
            newOnCpu = true;
        }
        /* Nothing else to do if we aren't actually switching */
        if (prev == next) return;
        if (!newOnCpu) membarrierArchSwitchMm(prev, next);
        rq.hwMm = next;  // switch_mmu_context() -> radix__switch_mmu_context(): mtspr(SPRN_PID); isync. No flush
    }

    /**
     * membarrier_arch_switch_mm() (arch/powerpc/include/asm/membarrier.h): only need the full
     * barrier when switching between processes. Barrier when switching from kernel to userspace
     * is not required here, given that it is implied by mmdrop() (the barrier HP-NO-MB removes).
     */
    private void membarrierArchSwitchMm(MmStruct prev, MmStruct next) {
        int state = k.mem.atomicRead(next.membarrierState);
        if ((state & (Membarrier.MEMBARRIER_STATE_PRIVATE_EXPEDITED | Membarrier.MEMBARRIER_STATE_GLOBAL_EXPEDITED)) == 0 || prev == null) return;
        /*
         * The membarrier system call requires a full memory barrier
         * after storing to rq->curr, before going back to user-space.
         */
        k.mem.smpMb();  // membarrier (e); pairs with: membarrier's smp_mb() (a)
    }

    /**
     * __cpu_disable() -> cleanup_cpu_mmu_context() (arch/powerpc/mm/book3s64/mmu_context.c):
     * clear_tasks_mm_cpumask(cpu) (kernel/cpu.c): for every mm that a live task still has as
     * ->mm, clear this CPU's bit, whoever is lazily using it, without touching active_cpus; then
     * tlbiel_all(), so that the CPU comes back online with an empty TLB.
     */
    @Override
    void cpuDisableMm(int cpu) {
        if (!k.kc.has(Patch.PPC_OFFLINE_TRIM)) return;  // PATCH: 01b0f0eae081: before it, no cleanup_cpu_mmu_context(): the offlined CPU keeps its bits and its TLB
        int bit = 1 << cpu;
        for (MmStruct mm : k.liveMms()) {
            if ((k.mem.readOnce(mm.cpumask) & bit) != 0) {
                k.mem.atomicAndnot(bit, mm.cpumask);  // cpumask_clear_cpu()
            }
        }
        k.mem.smpMb();  // tlbiel_all()'s ptesync; pairs with: the table walks of this CPU
        tlb(cpu).flushAll();
    }

    /**
     * ptep_get_and_clear() -> radix__pte_update() -> __radix_pte_update(): a ldarx / stdcx. loop
     * without barriers, so unordered: the smp_mb() of the radix flushes orders it before the
     * mm_cpumask and active_cpus reads.
     */
    @Override
    int ptepGetAndClear(MmStruct mm, Pgtable t, int va, boolean full) { return k.mem.xchgRelaxed(t.pte[va], 0); }

    // ---- user accesses ----

    @Override
    UserPage translate(MmStruct mm, int va) {
        Rq rq = k.thisRq();
        return tlb(rq.cpu).translate(k, rq.hwMm, va);
    }

    @Override
    void checkUsed(UserPage p, int va) { tlb(k.smpProcessorId()).checkUsed(k, p, va); }

    @Override
    void speculativeWalk(int va) {
        boolean was = k.localIrqSave();  // part of one instruction: interrupts come before or after it
        Rq rq = k.thisRq();
        if (rq.hwMm != k.initMm) tlb(rq.cpu).speculativeWalk(k, rq.hwMm, va);
        k.localIrqRestore(was);
    }

    // ---- tlbiel / tlbie ----

    /** _tlbiel_pid(pid, ric): this CPU. */
    private void tlbielPid(MmStruct mm, Ric ric) {
        k.mem.smpMb();  // ptesync; pairs with: the table walks (the PTE clears are performed before the invalidation)
        RadixTlb t = tlb(k.smpProcessorId());
        if (ric != Ric.FLUSH_PWC) t.flushPidTlb(mm);
        if (ric != Ric.FLUSH_TLB) t.flushPidPwc(mm);
        k.mem.smpMb();  // ppc_after_tlbiel_barrier(): ptesync; pairs with: the accesses after the flush
    }

    /** _tlbiel_va_range(start, end, pid, ..., also_pwc): this CPU. */
    private void tlbielVaRange(MmStruct mm, long start, long end, boolean alsoPwc) {
        k.mem.smpMb();  // ptesync; pairs with: the table walks (the PTE clears are performed before the invalidation)
        RadixTlb t = tlb(k.smpProcessorId());
        if (alsoPwc) t.flushPidPwc(mm);  // __tlbiel_pid(pid, 0, RIC_FLUSH_PWC)
        for (long va = start; va < end; va++) t.flushVa(mm, (int) va);
        k.mem.smpMb();  // ppc_after_tlbiel_barrier(): ptesync; pairs with: the accesses after the flush
    }

    /**
     * tlbie on every processor: _tlbie_pid(pid, ric) or, with {@code start >= 0}, _tlbie_va_range.
     * "eieio; tlbsync; ptesync": tlbsync returns when every processor has performed the
     * invalidation, including the storage accesses in flight through the translations it removed.
     */
    private void tlbie(MmStruct mm, Ric ric, long start, long end) {
        int self = k.smpProcessorId();
        k.mem.smpMb();  // ptesync; pairs with: the table walks of every CPU (the PTE clears are performed before the invalidation)
        if (k.kc.has(Patch.PLANT_PPC_NO_TLBIE)) {  // PATCH: plant-ppc-no-tlbie: a GLOBAL flush done as a tlbiel, this CPU only
            if (start < 0) tlbielPid(mm, ric); else tlbielVaRange(mm, start, end, ric == Ric.FLUSH_ALL);
            return;
        }
        for (RadixTlb t : tlbs) {
            if (start < 0) {
                if (ric != Ric.FLUSH_PWC) t.flushPidTlb(mm);
            } else {
                for (long va = start; va < end; va++) t.flushVa(mm, (int) va);
            }
            if (ric != Ric.FLUSH_TLB) t.flushPidPwc(mm);
        }
        k.m.await(() -> noAccessInFlight(mm, self), "tlbsync: the accesses through " + mm + "'s removed translations");
        k.mem.smpMb();  // the final ptesync; pairs with: the accesses after the flush
    }

    private boolean noAccessInFlight(MmStruct mm, int self) {
        for (RadixTlb t : tlbs) {
            if (t.cpu != self && t.inflight == mm) return false;
        }
        return true;
    }

    // ---- flushing ----

    /**
     * tlb_flush(tlb) -> radix__tlb_flush(): a full-mm gather (exit_mmap) flushes the whole PID
     * with its page-walk cache (RIC=2); under SHOOTDOWN it first IPIs the lazy users away, as the
     * final mmdrop would soon. A range: radix__flush_tlb_range_psize, or
     * radix__flush_tlb_pwc_range_psize when page tables were freed.
     */
    @Override
    String flushTlbMmRange(MmStruct mm, long start, long end, boolean freedTables) {
        TaskStruct me = k.current();
        FlushType type;
        String what;
        if (end == TLB_FLUSH_ALL) {  // tlb->fullmm
            what = "radix__flush_all_mm";
            if (k.kc.lazyTlb() == LazyTlb.SHOOTDOWN && !k.kc.has(Patch.HPREF_LAZY_MM)) {  // IS_ENABLED(CONFIG_MMU_LAZY_TLB_SHOOTDOWN); PATCH: hpref-lazy-mm: the RFC removes the block (and the option)
                /*
                 * Shootdown based lazy tlb mm refcounting means we
                 * have to IPI everyone in the mm_cpumask anyway soon
                 * when the mm goes away, so might as well do it as
                 * part of the final flush now.
                 */
                me.preemptCount++;
                k.mem.smpMb();  // see radix__flush_tlb_mm; pairs with: switch_mm_irqs_off's smp_mb()
                exitFlushLazyTlbs(mm);
                type = flushAllMm(mm, true);
                me.preemptCount--;
            } else {
                type = flushAllMm(mm, true);
            }
        } else {
            what = freedTables ? "radix__flush_tlb_pwc_range_psize" : "radix__flush_tlb_range_psize";
            type = flushTlbRangePsize(mm, start, end, freedTables);
        }
        return what + "(" + mm + ", " + type + ") of " + me + " on cpu" + k.smpProcessorId();
    }

    /** __flush_all_mm(mm, fullmm). */
    private FlushType flushAllMm(MmStruct mm, boolean fullmm) {
        TaskStruct me = k.current();
        me.preemptCount++;
        k.mem.smpMb();  // see radix__flush_tlb_mm; pairs with: switch_mm_irqs_off's smp_mb()
        FlushType type = flushTypeNeeded(mm, fullmm);
        if (type == FlushType.LOCAL) {
            tlbielPid(mm, Ric.FLUSH_ALL);
        } else if (type == FlushType.GLOBAL) {
            tlbie(mm, Ric.FLUSH_ALL, -1, -1);  // cputlb_use_tlbie(): _tlbie_pid(pid, RIC_FLUSH_ALL)
        }
        me.preemptCount--;
        return type;
    }

    /** __radix__flush_tlb_range_psize(mm, start, end, psize, also_pwc), below the single-page ceilings. */
    private FlushType flushTlbRangePsize(MmStruct mm, long start, long end, boolean alsoPwc) {
        TaskStruct me = k.current();
        me.preemptCount++;  // preempt_disable()
        /*
         * Order loads of mm_cpumask (in flush_type_needed) vs previous
         * stores to clear ptes before the invalidate. See barrier in
         * switch_mm_irqs_off
         */
        if (!k.kc.has(Patch.PLANT_PPC_NO_FLUSH_MB)) k.mem.smpMb();  // pairs with: switch_mm_irqs_off's smp_mb() after cpumask_set_cpu; PATCH: plant-ppc-no-flush-mb
        FlushType type = flushTypeNeeded(mm, false);
        if (type == FlushType.LOCAL) {
            tlbielVaRange(mm, start, end, alsoPwc);
        } else if (type == FlushType.GLOBAL) {
            tlbie(mm, alsoPwc ? Ric.FLUSH_ALL : Ric.FLUSH_TLB, start, end);  // _tlbie_va_range(..., also_pwc)
        }
        me.preemptCount--;
        return type;
    }

    /**
     * tick_and_test_trim_clock(): true on every 1073rd flush of this CPU (tlb_mm_cpumask_trim_timer);
     * here a scheduler choice. PPC-TRIM-KTHREAD's kernel had no trim clock.
     */
    private boolean tickAndTestTrimClock() {
        if (trimKthread()) return false;  // PPC-TRIM-KTHREAD: v5.9 has no periodic trim
        return k.m.choose(2) == 1;
    }

    /** flush_type_needed(mm, fullmm). */
    private FlushType flushTypeNeeded(MmStruct mm, boolean fullmm) {
        int activeCpus = k.mem.atomicRead(activeCpus(mm));
        int cpu = k.smpProcessorId();
        TaskStruct current = k.current();

        if (activeCpus == 0) return FlushType.NONE;
        if (activeCpus == 1 && (k.mem.readOnce(mm.cpumask) & (1 << cpu)) != 0) {
            if (k.mem.read(current.mm) != mm) {
                /*
                 * Asynchronous flush sources may trim down to nothing
                 * if the process is not running, so occasionally try
                 * to trim.
                 */
                if (tickAndTestTrimClock()) {
                    exitLazyFlushTlb(mm);
                    return FlushType.NONE;
                }
            }
            return FlushType.LOCAL;
        }

        /* Coprocessors require TLBIE to invalidate nMMU. */
        // atomic_read(&mm->context.copros) > 0: never, no coprocessors here

        /*
         * In the fullmm case there's no point doing the exit_flush_lazy_tlbs
         * because the mm is being taken down anyway, and a TLBIE tends to
         * be faster than an IPI+TLBIEL.
         */
        if (fullmm) return FlushType.GLOBAL;

        /*
         * If we are running the only thread of a single-threaded process,
         * then we should almost always be able to trim off the rest of the
         * CPU mask (except in the case of use_mm() races), so always try
         * trimming the mask.
         */
        if (k.mem.atomicRead(mm.mmUsers) <= 1 && k.mem.read(current.mm) == mm) {
            exitFlushLazyTlbs(mm);
            /*
             * use_mm() race could prevent IPIs from being able to clear
             * the cpumask here, however those users are established
             * after our first check (and so after the PTEs are removed),
             * and the TLB still gets flushed by the IPI, so this CPU
             * will only require a local flush.
             */
            return FlushType.LOCAL;
        }

        /*
         * Occasionally try to trim down the cpumask. It's possible this can
         * bring the mask to zero, which results in no flush.
         */
        if (tickAndTestTrimClock()) {
            exitFlushLazyTlbs(mm);
            if (k.mem.read(current.mm) == mm) return FlushType.LOCAL;
            if ((k.mem.readOnce(mm.cpumask) & (1 << cpu)) != 0) exitLazyFlushTlb(mm);
            return FlushType.NONE;
        }
        return FlushType.GLOBAL;
    }

    /**
     * exit_lazy_flush_tlb(mm): this CPU leaves mm's mm_cpumask unless its current task uses mm
     * (a kthread may be in kthread_use_mm: it sets ->mm and switches with interrupts off); a lazy
     * user goes to init_mm first; the PID is flushed in any case. From the IPI
     * (do_exit_flush_lazy_tlb), or from flush_type_needed on this CPU with interrupts on.
     */
    private void exitLazyFlushTlb(MmStruct mm) {
        TaskStruct current = k.current();
        int bit = 1 << k.smpProcessorId();
        boolean old = trimKthread();
        /*
         * A kthread could have done a mmget_not_zero() after the flushing CPU
         * checked mm_cpumask, and be in the process of kthread_use_mm when
         * interrupted here. In that case, current->mm will be set to mm,
         * because kthread_use_mm() setting ->mm and switching to the mm is
         * done with interrupts off.
         */
        if (k.mem.read(current.mm) == mm) {
            if (old) return;  // PATCH: a665eec0a22e: before it, "return; /* Local CPU */": no flush, and the sender's mm_reset_thread_local() clears the bit
        } else {
            if (k.mem.read(current.activeMm) == mm) {
                k.warnOn(k.mem.read(current.mm) != null, "exit_lazy_flush_tlb", "current->mm != NULL");
                if (!k.kc.has(Patch.PLANT_PPC_TRIM_EARLY)) {  // PATCH: plant-ppc-trim-early: the bit goes while the CPU stays lazily on mm
                    /*
                     * It is a kernel thread and is using mm as the lazy tlb, so
                     * switch it to init_mm. This is not always called from IPI
                     * (e.g., flush_type_needed), so must disable irqs.
                     */
                    boolean irqsOff = k.kc.has(Patch.PPC_EXIT_LAZY_IRQS_OFF);  // PATCH: dfaed3e1fa70: before it, no local_irq_save() here
                    boolean was = irqsOff ? k.localIrqSave() : k.irqsDisabled();  // PATCH: dfaed3e1fa70
                    k.smm.mmgrabLazyTlb(k.initMm);
                    k.mem.write(current.activeMm, k.initMm);
                    switchMmIrqsOff(mm, k.initMm, current);
                    k.smm.mmdropLazyTlb(mm);
                    if (irqsOff) k.localIrqRestore(was);  // PATCH: dfaed3e1fa70
                }
            }
            /*
             * This IPI may be initiated from any source including those not
             * running the mm, so there may be a racing IPI that comes after
             * this one which finds the cpumask already clear. Check and avoid
             * underflowing the active_cpus count in that case.
             */
            if (!old && (k.mem.readOnce(mm.cpumask) & bit) != 0) {  // PATCH: a665eec0a22e: before it, the CPU left its bit to the sender
                decMmActiveCpus(mm);
                k.mem.atomicAndnot(bit, mm.cpumask);  // cpumask_clear_cpu()
            }
        }
        // out:
        tlbielPid(mm, Ric.FLUSH_ALL);
    }

    /** dec_mm_active_cpus(mm). */
    private void decMmActiveCpus(MmStruct mm) {
        IntVar c = activeCpus(mm);
        k.warnOn(k.mem.atomicRead(c) <= 0, "dec_mm_active_cpus", mm + "->context.active_cpus <= 0");  // VM_WARN_ON_ONCE
        k.mem.atomicDec(c);
    }

    /** exit_flush_lazy_tlbs(mm): smp_call_function_many(mm_cpumask(mm), do_exit_flush_lazy_tlb, mm, 1). */
    private void exitFlushLazyTlbs(MmStruct mm) {
        long others = k.mem.readOnce(mm.cpumask) & ~(1L << k.smpProcessorId());  // smp_call_function_many: not this CPU
        k.smp.onEachCpuMask(others, () -> exitLazyFlushTlb(mm), true, "do_exit_flush_lazy_tlb");
        if (trimKthread()) mmResetThreadLocal(mm);  // PATCH: a665eec0a22e: before it, the sender reset the mask to itself
    }

    /**
     * mm_reset_thread_local(mm) (arch/powerpc/include/asm/tlb.h before a665eec0a22e): "It's
     * possible for mm_access to take a reference on mm_users to access the remote mm from another
     * thread, but it's not allowed to set mm_cpumask". cpumask_clear() is a plain bitmap_zero();
     * modelled as a marked store, or the race detector would report it before the TLB does.
     */
    private void mmResetThreadLocal(MmStruct mm) {
        k.warnOn(k.mem.read(k.current().mm) != mm, "mm_reset_thread_local", "current->mm != mm");
        k.mem.atomicSet(activeCpus(mm), 1);
        k.mem.writeOnce(mm.cpumask, 0);                          // cpumask_clear()
        k.mem.atomicOr(1 << k.smpProcessorId(), mm.cpumask);     // cpumask_set_cpu()
    }
}
