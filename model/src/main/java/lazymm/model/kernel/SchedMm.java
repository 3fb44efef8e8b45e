package lazymm.model.kernel;

import lazymm.model.sim.Violation;

/**
 * include/linux/sched/mm.h (v7.1.5): the mm refcount helpers. mmgrab and mmget are void atomics
 * (unordered); mmdrop and mmput are atomic_dec_and_test (fully ordered: membarrier relies on
 * it). The _lazy_tlb helpers take and drop counts only under CONFIG_MMU_LAZY_TLB_REFCOUNT;
 * otherwise (SHOOTDOWN, and the hazard-pointer schemes) the drops are a bare smp_mb(). And
 * membarrier_mm_sync_core_before_usermode(). With Mathieu Desnoyers' hazard-pointer RFC
 * (hpref-lazy-mm, on v6.11.1) the _lazy_tlb helpers post and clear this CPU's slot of
 * {@link Hazptr} instead, whatever the Kconfig scheme. Left out: mmdrop_sched's PREEMPT_RT call_rcu path (not PREEMPT_RT), mmput_async.
 */
@KernelFile("include/linux/sched/mm.h")
final class SchedMm {

    private final Kernel k;

    SchedMm(Kernel k) { this.k = k; }

    /** mmgrab(mm): atomic_inc(&mm->mm_count). */
    void mmgrab(MmStruct mm) { k.mem.atomicInc(mm.mmCount); }

    /** mmdrop(mm). */
    void mmdrop(MmStruct mm) {
        /*
         * The implicit full barrier implied by atomic_dec_and_test() is
         * required by the membarrier system call before returning to
         * user-space, after storing to rq->curr.
         */
        if (k.mem.atomicDecAndTest(mm.mmCount)) {
            k.fork.__mmdrop(mm);
        }
        underflow(mm);
    }

    /** mmdrop_sched(mm): mmdrop (this model is not PREEMPT_RT). */
    void mmdropSched(MmStruct mm) { mmdrop(mm); }

    /** mmgrab_lazy_tlb(mm). */
    void mmgrabLazyTlb(MmStruct mm) {
        if (k.kc.has(Patch.HPREF_LAZY_MM)) {  // PATCH: hpref-lazy-mm
            /*
             * mmgrab_lazy_tlb must provide a full memory barrier, see the
             * membarrier comment finish_task_switch which relies on this.
             */
            k.mem.smpMb();  // PATCH: hpref-lazy-mm; pairs with: membarrier's smp_mb() (a), as mmgrab's was taken to be
            /*
             * The caller guarantees existence of mm. Allocate a hazard
             * pointer to chain this existence guarantee to a hazard
             * pointer.
             */
            boolean ok = k.hp.tryProtect(mm, "mmgrab_lazy_tlb");  // PATCH: hpref-lazy-mm: hp_allocate(); v3 hazptr_try_protect()
            /* There is only a single lazy mm per CPU at any time. */
            k.warnOn(!ok, "mmgrab_lazy_tlb", "cpu" + k.smpProcessorId() + "'s lazy-mm hazard pointer already holds "  // PATCH: hpref-lazy-mm
                    + k.mem.peekLatest(k.hp.slot(k.smpProcessorId())) + ": " + mm + " is not protected");
            return;
        }
        if (k.kc.lazyTlb().refcount()) mmgrab(mm);
    }

    /**
     * The slot clear that ends RFC 4/4's mmdrop_lazy_tlb(), mmdrop_lazy_tlb_sched() and
     * do_shoot_lazy_tlb(): v2 WRITE_ONCE(this_cpu_ptr(&hp_domain_sched_lazy_mm)->addr, NULL),
     * v3 this_cpu_write(hazptr_domain_sched_lazy_mm.percpu_slots->addr, NULL). Whatever the
     * slot holds: no check that it is the mm being dropped.
     */
    void hprefClearSlot(String caller) {
        boolean v3 = k.kc.has(Patch.HPREF_LAZY_MM_V3);  // PATCH: hpref-lazy-mm-v3: this_cpu_write(), no DEBUG_PREEMPT check
        k.mem.writeOnce(v3 ? k.hp.thisCpuWriteSlot() : k.hp.thisCpuPtr(caller), null);
    }

    /** mmdrop_lazy_tlb(mm). */
    void mmdropLazyTlb(MmStruct mm) {
        if (k.kc.has(Patch.HPREF_LAZY_MM)) {  // PATCH: hpref-lazy-mm
            /*
             * mmdrop_lazy_tlb must provide a full memory barrier, see the
             * membarrier comment finish_task_switch which relies on this.
             */
            k.mem.smpMb();  // PATCH: hpref-lazy-mm; pairs with: membarrier's smp_mb() (a); and hp_scan's Load B (the clear is ordered after this CPU's last use of mm)
            hprefClearSlot("mmdrop_lazy_tlb");  // PATCH: hpref-lazy-mm
        } else if (k.kc.lazyTlb().refcount()) {
            mmdrop(mm);
        } else {
            /*
             * mmdrop_lazy_tlb must provide a full memory barrier, see the
             * membarrier comment finish_task_switch which relies on this.
             */
            k.mem.smpMb();  // pairs with: membarrier's smp_mb() (a), as mmdrop's RMW would
        }
    }

    /** mmdrop_lazy_tlb_sched(mm). */
    void mmdropLazyTlbSched(MmStruct mm) {
        if (k.kc.has(Patch.HPREF_LAZY_MM)) {  // PATCH: hpref-lazy-mm
            k.mem.smpMb(); /* see mmdrop_lazy_tlb() above */  // PATCH: hpref-lazy-mm; pairs with: membarrier's smp_mb() (a), hp_scan's Load B
            hprefClearSlot("mmdrop_lazy_tlb_sched");  // PATCH: hpref-lazy-mm
        } else if (k.kc.lazyTlb().refcount()) {
            mmdropSched(mm);
        } else {
            k.mem.smpMb(); /* see mmdrop_lazy_tlb() above */
        }
    }

    /**
     * membarrier_mm_sync_core_before_usermode(mm) [CONFIG_MEMBARRIER]: no memory barrier of its
     * own (finish_task_switch's comes from the mmdrop_lazy_tlb_sched() after it).
     */
    void membarrierMmSyncCoreBeforeUsermode(MmStruct mm) {
        /*
         * The atomic_read() below prevents CSE. The following should
         * help the compiler generate more efficient code on architectures
         * where sync_core_before_usermode() is a no-op.
         */
        if (!k.arch.hasSyncCoreBeforeUsermode()) return;  // IS_ENABLED(CONFIG_ARCH_HAS_SYNC_CORE_BEFORE_USERMODE)
        if (k.mem.read(k.current().mm) != mm) return;
        if ((k.mem.atomicRead(mm.membarrierState) & Membarrier.MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE) == 0) return;
        k.arch.syncCoreBeforeUsermode();
    }

    /** mmget(mm): atomic_inc(&mm->mm_users). */
    void mmget(MmStruct mm) { k.mem.atomicInc(mm.mmUsers); }

    /** mmget_not_zero(mm): atomic_inc_not_zero(&mm->mm_users). */
    boolean mmgetNotZero(MmStruct mm) { return k.mem.atomicIncNotZero(mm.mmUsers); }

    /** The refcount oracle: a count below zero is a drop without a reference (what refcount_t would WARN). */
    void underflow(MmStruct mm) {
        long count = k.mem.peek(mm.mmCount);
        if (count < 0 && !mm.isInitMm) {
            throw new Violation("RefcountUnderflow", Oracles.callers(3),
                    mm.name + ".mm_count went to " + count + " on cpu" + k.smpProcessorId()
                            + ": a drop of a reference nobody took (in " + Oracles.callers(4) + ")");
        }
    }
}
