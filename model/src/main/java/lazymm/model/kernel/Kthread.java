package lazymm.model.kernel;

/**
 * kernel/kthread.c (v7.1.5): kthread_use_mm and kthread_unuse_mm, and with membarrier users
 * this project's fix for SYNC-CORE-KTHREAD (the line marked with it). Left out: task_lock (only
 * the task itself takes it here), the user_ns check.
 *
 * <p>Mutant MUT-38cf307c1f20: before 38cf307c1f20 (v5.9) both ran with IRQs on between
 * task_lock() and task_unlock() (preemption off, no preemption point there), kthread_use_mm()
 * switching with switch_mm(); a TLB IPI could land between the ->active_mm / ->mm updates and
 * the switch. The revert is at today's lines (membarrier_update_current_mm and the lazy-TLB
 * helpers came later).
 */
@KernelFile("kernel/kthread.c")
final class Kthread {

    private final Kernel k;

    Kthread(Kernel k) { this.k = k; }

    /** kthread_use_mm - make the calling kthread operate on an address space. */
    void kthreadUseMm(MmStruct mm) {
        TaskStruct tsk = k.current();
        k.warnOn(!tsk.kthread, "kthread_use_mm", "not a kthread");
        k.warnOn(k.mem.read(tsk.mm) != null, "kthread_use_mm", "tsk->mm is set");
        /*
         * It is possible for mm to be the same as tsk->active_mm, but
         * we must still mmgrab(mm) and mmdrop_lazy_tlb(active_mm),
         * because these references are not equivalent.
         */
        k.smm.mmgrab(mm);
        // task_lock(tsk);
        /* Hold off tlb flush IPIs while switching mm's */
        boolean irqsOff = k.kc.has(Patch.KTHREAD_USE_MM_IRQS_OFF);  // PATCH: 38cf307c1f20: before it, IRQs stayed on (task_lock() only disables preemption) until switch_mm()
        if (irqsOff) k.localIrqDisable(); else tsk.preemptCount++;  // PATCH: 38cf307c1f20: before it, task_lock()'s preempt_disable() only (task_lock is left out here)
        MmStruct activeMm = k.mem.read(tsk.activeMm);
        k.mem.write(tsk.activeMm, mm);
        if (k.kc.has(Patch.TASK_MM_ONCE)) k.mem.writeOnce(tsk.mm, mm); else k.mem.write(tsk.mm, mm);  // tsk->mm = mm: plain in v7.1.5; PATCH: luto-task-mm-once
        if (k.kc.has(Patch.MEMBARRIER_KTHREAD_GLOBAL)) k.membarrier.membarrierUpdateCurrentMm(mm);  // PATCH: 618758ed3a4f-a
        if (irqsOff) k.arch.switchMmIrqsOff(activeMm, mm, tsk); else k.arch.switchMm(activeMm, mm, tsk);  // PATCH: 38cf307c1f20: before it, switch_mm() (IRQs off inside it only)
        // lazymm: a sync_core for SYNC_CORE, as finish_task_switch() gives a kthread -> user
        // switch. From here this kthread is a user of mm: it may switch to a thread of mm as
        // "user -> user", with no CR3 write (active_mm was mm) and no core sync. Before the
        // preemption point of task_unlock().
        if (k.kc.has(Patch.KTHREAD_USE_MM_SYNC_CORE)) k.smm.membarrierMmSyncCoreBeforeUsermode(mm);  // PATCH: lazymm-kthread-sync-core: v7.1.5 has no core sync here (SYNC-CORE-KTHREAD)
        if (irqsOff) k.localIrqEnable(); else tsk.preemptCount--;  // PATCH: 38cf307c1f20: before it, task_unlock()'s preempt_enable()
        // task_unlock(tsk);
        k.arch.finishArchPostLockSwitch();
        if (k.kc.lazyTlb().hazard()) {
            // hazard done right: this CPU is no longer lazy on activeMm
            k.mem.smpStoreRelease(k.thisRq().lazyMm, null);  // pairs with: mm_unlazy_mm_count's smp_load_acquire
        }
        k.preemptPoint();
        /*
         * When a kthread starts operating on an address space, the loop
         * in membarrier_{private,global}_expedited() may not observe
         * that tsk->mm, and not issue an IPI. Membarrier requires a
         * memory barrier after storing to tsk->mm, before accessing
         * user-space memory. A full memory barrier for membarrier
         * {PRIVATE,GLOBAL}_EXPEDITED is implicitly provided by
         * mmdrop_lazy_tlb().
         */
        if (!k.kc.has(Patch.PLANT_NO_MB_G)) k.smm.mmdropLazyTlb(activeMm);  // membarrier barrier (g); pairs with: membarrier's smp_mb() (a); PATCH: plant-no-mb-g (on a scheme where it is a bare smp_mb(): under REFCOUNT the count would leak)
    }

    /** kthread_unuse_mm - reverse the effect of kthread_use_mm(). */
    void kthreadUnuseMm(MmStruct mm) {
        TaskStruct tsk = k.current();
        k.warnOn(!tsk.kthread, "kthread_unuse_mm", "not a kthread");
        k.warnOn(k.mem.read(tsk.mm) == null, "kthread_unuse_mm", "tsk->mm is not set");
        // task_lock(tsk);
        /*
         * When a kthread stops operating on an address space, the loop
         * in membarrier_{private,global}_expedited() may not observe
         * that tsk->mm, and not issue an IPI. Membarrier requires a
         * memory barrier after accessing user-space memory, before
         * clearing tsk->mm.
         */
        boolean unuseMb = k.kc.has(Patch.MEMBARRIER_KTHREAD_UNUSE_MB);  // PATCH: 618758ed3a4f-b
        if (unuseMb && !k.kc.has(Patch.PLANT_NO_MB_UNUSE)) k.mem.smpMbAfterSpinlock();  // membarrier barrier (d); pairs with: membarrier's smp_mb() (c); PATCH: plant-no-mb-unuse
        boolean irqsOff = k.kc.has(Patch.KTHREAD_USE_MM_IRQS_OFF);  // PATCH: 38cf307c1f20: before it, tsk->mm = NULL and enter_lazy_tlb() with IRQs on
        if (irqsOff) k.localIrqDisable(); else tsk.preemptCount++;  // PATCH: 38cf307c1f20: before it, task_lock()'s preempt_disable() only (task_lock is left out here)
        if (k.kc.has(Patch.TASK_MM_ONCE)) k.mem.writeOnce(tsk.mm, null); else k.mem.write(tsk.mm, null);  // tsk->mm = NULL: plain in v7.1.5; PATCH: luto-task-mm-once
        if (k.kc.has(Patch.MEMBARRIER_KTHREAD_GLOBAL)) k.membarrier.membarrierUpdateCurrentMm(null);  // PATCH: 618758ed3a4f-a
        k.smm.mmgrabLazyTlb(mm);
        /* active_mm is still 'mm' */
        k.arch.enterLazyTlb(mm, tsk);
        if (k.kc.lazyTlb().hazard()) {
            // hazard done right: lazy on mm now; our caller still holds an mm_users reference
            k.mem.writeOnce(k.thisRq().lazyMm, mm);
        }
        if (irqsOff) k.localIrqEnable(); else tsk.preemptCount--;  // PATCH: 38cf307c1f20: before it, task_unlock()'s preempt_enable()
        // task_unlock(tsk);
        k.preemptPoint();
        if (!k.kc.has(Patch.PLANT_MISSING_MMDROP)) k.smm.mmdrop(mm);  // PATCH: plant-missing-mmdrop: no mmdrop
        if (k.kc.has(Patch.PLANT_EXTRA_MMDROP)) k.smm.mmdrop(mm);     // PATCH: plant-extra-mmdrop: a second one
    }
}
