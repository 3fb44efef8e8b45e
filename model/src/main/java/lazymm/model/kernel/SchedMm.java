package lazymm.model.kernel;

import lazymm.model.sim.Violation;

/**
 * include/linux/sched/mm.h (v7.1.5): the mm refcount helpers. mmgrab and mmget are void atomics
 * (unordered); mmdrop and mmput are atomic_dec_and_test (fully ordered: membarrier relies on
 * it). The _lazy_tlb helpers take and drop counts only under CONFIG_MMU_LAZY_TLB_REFCOUNT;
 * otherwise (SHOOTDOWN, and the hazard-pointer schemes) the drops are a bare smp_mb(). And
 * membarrier_mm_sync_core_before_usermode(). Left out: mmdrop_sched's PREEMPT_RT call_rcu path (not PREEMPT_RT), mmput_async.
 */
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
        if (k.kc.lazyTlb().refcount()) mmgrab(mm);
    }

    /** mmdrop_lazy_tlb(mm). */
    void mmdropLazyTlb(MmStruct mm) {
        if (k.kc.lazyTlb().refcount()) {
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
        if (k.kc.lazyTlb().refcount()) {
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
