package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * s390 (arch/s390/include/asm/mmu_context.h, tlbflush.h, tlb.h and arch/s390/mm/pgtable.c,
 * v7.1.5): switch_mm_irqs_off sets this CPU in next's cpu_attach_mask and clears it from
 * prev's; finish_arch_post_lock_switch waits for flushes of current->mm in progress, sets the
 * CPU in mm_cpumask and does the deferred flush (__tlb_flush_mm_lazy, under mm->context.lock
 * taken with a plain spin_lock); __tlb_flush_mm resets mm_cpumask to cpu_attach_mask around a
 * broadcast IDTE; ptep_flush_lazy defers the flush (flush_mm = 1) when only this CPU has the mm
 * attached, else invalidates with a broadcast IPTE; pte_free_tlb sets flush_mm; tlb_flush is
 * __tlb_flush_mm_lazy. There are no flush IPIs: invalidation is broadcast by the hardware.
 *
 * <p>Page tables: the PTE tables come from {@link S390Pgalloc}, the pgalloc.c of the version
 * the variant names (2K fragments before 6.8, a 4K page each since d08d4e7cd6bf).
 *
 * <p>The MMU is the ideal one of {@link Arch} (a user access reads the newest page tables): IDTE
 * and IPTE have nothing to invalidate, so no StaleTlb check here; the flush paths are modelled
 * for their locks and counters. Left out: gmap (KVM guests) and its ASCEs, pgste, the ASCE
 * upgrade (crst_table_upgrade), TIF_ASCE_PRIMARY and the control-register loads (ghost: the MMU
 * follows Rq.hwMm), cpu_has_tlb_lc's local IPTE, the kernel ASCE.
 */
@KernelFile("arch/s390/include/asm/mmu_context.h")
final class ArchS390 extends Arch {

    @Ghost private final List<S390MmContext> contexts = new ArrayList<>();
    final S390Pgalloc pgalloc;

    ArchS390(Kernel k) {
        super(k);
        this.pgalloc = new S390Pgalloc(k, this);
    }

    @Override String name() { return "s390"; }

    /** mm->context, made on first use. */
    S390MmContext ctx(MmStruct mm) {
        for (S390MmContext c : contexts) {
            if (c.mm == mm) return c;
        }
        if (mm.freed) {
            throw new Violation("UseAfterFree", Oracles.callers(3), "KASAN: use-after-free of " + mm
                    + "->context by cpu" + k.smpProcessorId() + " in " + Oracles.callers(3) + "; freed by " + mm.freedBy);
        }
        S390MmContext c = new S390MmContext(k, mm);
        contexts.add(c);
        return c;
    }

    /** The mm's context if the arch has touched it (no memory access). */
    S390MmContext peekCtx(MmStruct mm) {
        for (S390MmContext c : contexts) {
            if (c.mm == mm) return c;
        }
        return null;
    }

    @Override
    void switchMmIrqsOff(MmStruct prev, MmStruct next, TaskStruct tsk) {
        Rq rq = k.thisRq();
        int bit = 1 << rq.cpu;
        // get_lowcore()->user_asce = next->context.asce (s390_invalid_asce for init_mm)
        k.mem.atomicOr(bit, ctx(next).cpuAttachMask);  // cpumask_set_cpu(cpu, &next->context.cpu_attach_mask)
        /* Clear previous user-ASCE from CR1 and CR7 */
        rq.hwMm = next;
        if (prev != null && prev != next) k.mem.atomicAndnot(bit, ctx(prev).cpuAttachMask);  // cpumask_clear_cpu()
    }

    /**
     * finish_arch_post_lock_switch(): with current->mm, wait for its flushes in progress, join
     * mm_cpumask, and do the flush a lazy PTE invalidation deferred; then load the ASCEs.
     */
    @Override
    void finishArchPostLockSwitch() {
        TaskStruct tsk = k.current();
        MmStruct mm = k.mem.read(tsk.mm);
        if (mm != null) {
            tsk.preemptCount++;  // preempt_disable()
            S390MmContext c = ctx(mm);
            k.mem.smpCondLoadAcquire(c.flushCount, v -> v == 0, mm + "->context.flush_count == 0");  // while (atomic_read(&mm->context.flush_count)) cpu_relax();
            k.mem.atomicOr(1 << k.smpProcessorId(), mm.cpumask);  // cpumask_set_cpu(smp_processor_id(), mm_cpumask(mm))
            __tlbFlushMmLazy(mm);
            tsk.preemptCount--;  // preempt_enable()
        }
        // local_irq_save(); local_ctl_load(1 / 7, user_asce); local_irq_restore(): ghost (Rq.hwMm)
    }

    /**
     * __tlb_flush_mm(mm): flush the mm's TLB entries on all CPUs. The mask reset and the IDTE
     * are counted in flush_count, which a CPU attaching the mm waits on.
     */
    void __tlbFlushMm(MmStruct mm) {
        TaskStruct me = k.current();
        me.preemptCount++;  // preempt_disable()
        S390MmContext c = ctx(mm);
        k.mem.atomicInc(c.flushCount);
        /* Reset TLB flush mask */
        int attached = k.mem.readOnce(c.cpuAttachMask);
        k.mem.writeOnce(mm.cpumask, attached);  // cpumask_copy(mm_cpumask(mm), &mm->context.cpu_attach_mask)
        k.mem.barrier();
        // gmap_asce == 0: __tlb_flush_idte(mm->context.asce), a broadcast IDTE: nothing cached on the ideal MMU
        k.mem.atomicDec(c.flushCount);
        me.preemptCount--;  // preempt_enable()
    }

    /** __tlb_flush_mm_lazy(mm): the deferred flush, under mm->context.lock taken with a plain spin_lock. */
    void __tlbFlushMmLazy(MmStruct mm) {
        S390MmContext c = ctx(mm);
        if (k.kc.has(Patch.GERALD_S390_BH_LOCK)) {  // PATCH: gerald-s390-bh-lock
            k.mem.spinLockBh(c.lock);  // what Gerald Schaefer proposed: every user with spin_lock_bh
        } else {
            k.mem.spinLock(c.lock);
        }
        if (k.mem.read(c.flushMm) != 0) {
            k.mem.write(c.flushMm, 0);
            __tlbFlushMm(mm);
        }
        if (k.kc.has(Patch.GERALD_S390_BH_LOCK)) k.mem.spinUnlockBh(c.lock); else k.mem.spinUnlock(c.lock);  // PATCH: gerald-s390-bh-lock
    }

    /** tlb_flush(tlb) of tlb_finish_mmu (and flush_tlb_range of pmdp_collapse_flush): __tlb_flush_mm_lazy. */
    @Override
    String flushTlbMmRange(MmStruct mm, long start, long end, boolean freedTables) {
        __tlbFlushMmLazy(mm);
        return "__tlb_flush_mm_lazy(" + mm + ") on cpu" + k.smpProcessorId();
    }

    /**
     * ptep_get_and_clear() / ptep_get_and_clear_full() of a zap: with {@code full} (exit_mmap)
     * the PTE is simply cleared; else ptep_xchg_lazy -> ptep_flush_lazy: if this CPU is the
     * only one with the mm attached, invalidate locally and owe a flush (flush_mm = 1), else a
     * broadcast IPTE now.
     */
    @Override
    int ptepGetAndClear(MmStruct mm, Pgtable t, int va, boolean full) {
        if (full) return k.mem.xchg(t.pte[va], 0);
        TaskStruct me = k.current();
        me.preemptCount++;  // preempt_disable() in ptep_xchg_lazy
        S390MmContext c = ctx(mm);
        k.mem.atomicInc(c.flushCount);
        int old;
        if (k.mem.readOnce(c.cpuAttachMask) == 1 << k.smpProcessorId()) {  // cpumask_equal(&cpu_attach_mask, cpumask_of(cpu))
            old = k.mem.xchg(t.pte[va], 0);  // set_pte(ptep, ... _PAGE_INVALID)
            k.mem.write(c.flushMm, 1);       // mm->context.flush_mm = 1
        } else {
            old = k.mem.xchg(t.pte[va], 0);  // ptep_ipte_global(): a broadcast IPTE
        }
        k.mem.atomicDec(c.flushCount);
        me.preemptCount--;
        return old;
    }

    @Override Pgtable pteAllocOne(MmStruct mm) { return pgalloc.pageTableAlloc(mm); }

    @Override void pteFree(MmStruct mm, Pgtable t) { pgalloc.pageTableFree(mm, t); }

    /** pte_free_tlb(): flush_mm = 1, then page_table_free_rcu(). */
    @Override
    void pteFreeTlb(MmStruct mm, Pgtable t) {
        k.mem.write(ctx(mm).flushMm, 1);  // tlb->mm->context.flush_mm = 1
        pgalloc.pageTableFreeRcu(mm, t);
    }

    @Override void tlbTableFlush(MmStruct mm, List<Pgtable> tables) { pgalloc.tlbTableFlush(mm, tables); }

    @Override void pteFreeDefer(MmStruct mm, Pgtable t) { pgalloc.pteFreeDefer(mm, t); }

    @Override boolean secondTable() { return true; }

    @Override void checkFinal() { pgalloc.checkFinal(); }
}
