package lazymm.model.kernel;

/**
 * kernel/exit.c (v7.1.5): exit_mm and the parts of do_exit around it. Left out: everything
 * do_exit does that does not touch the mm (signals, files, namespaces, exit_notify).
 */
@KernelFile("kernel/exit.c")
final class Exit {

    private final Kernel k;

    Exit(Kernel k) { this.k = k; }

    /**
     * Turn us into a lazy TLB process if we aren't already.
     */
    void exitMm() {
        TaskStruct current = k.current();
        MmStruct mm = k.mem.read(current.mm);
        if (mm == null) return;
        // mmap_read_lock(mm): not modelled, nothing here races with a writer of the VMA tree
        boolean hpref = k.kc.has(Patch.HPREF_LAZY_MM);  // PATCH: hpref-lazy-mm: the grab moves after local_irq_disable()
        if (!hpref) {  // PATCH: hpref-lazy-mm
            k.smm.mmgrabLazyTlb(mm);
            k.bugOn(mm != k.mem.read(current.activeMm), "exit_mm", "mm != current->active_mm");
        }
        /* more a memory barrier than a real lock */
        // task_lock(current): the task's alloc_lock; only this task takes it in the model
        /*
         * When a thread stops operating on an address space, the loop
         * in membarrier_private_expedited() may not observe that
         * tsk->mm, and the loop in membarrier_global_expedited() may
         * not observe a MEMBARRIER_STATE_GLOBAL_EXPEDITED
         * rq->membarrier_state, so those would not issue an IPI.
         * Membarrier requires a memory barrier after accessing
         * user-space memory, before clearing tsk->mm or the
         * rq->membarrier_state.
         */
        // PATCH: 5bc78502322a: v5.10's exit_mm() clears current->mm under task_lock() alone: no
        // barrier, interrupts on, no rq->membarrier_state update (mmap_read_unlock, not modelled,
        // came before enter_lazy_tlb)
        boolean exitMb = k.kc.has(Patch.MEMBARRIER_EXIT_MM);  // PATCH: 5bc78502322a
        if (exitMb) {  // PATCH: 5bc78502322a
            if (!k.kc.has(Patch.PLANT_NO_MB_EXIT)) k.mem.smpMbAfterSpinlock();  // membarrier barrier (d); pairs with: membarrier's smp_mb() (c); PATCH: plant-no-mb-exit
            k.localIrqDisable();
        }
        if (hpref) {  // PATCH: hpref-lazy-mm
            k.smm.mmgrabLazyTlb(mm);
            k.bugOn(mm != k.mem.read(current.activeMm), "exit_mm", "mm != current->active_mm");
        }
        if (k.kc.has(Patch.TASK_MM_ONCE)) k.mem.writeOnce(current.mm, null); else k.mem.write(current.mm, null);  // current->mm = NULL: plain in v7.1.5; PATCH: luto-task-mm-once
        if (exitMb) k.membarrier.membarrierUpdateCurrentMm(null);  // PATCH: 5bc78502322a
        k.arch.enterLazyTlb(mm, current);
        if (k.kc.lazyTlb().hazard()) {
            // hazard done right: this CPU is now lazily on mm; publish it before our mm_users goes
            k.mem.writeOnce(k.thisRq().lazyMm, mm);
        }
        if (exitMb) k.localIrqEnable();  // PATCH: 5bc78502322a
        // task_unlock(current); mmap_read_unlock(mm); mm_update_next_owner(mm);
        k.preemptPoint();
        k.fork.mmput(mm);
    }

    /** do_exit(): the task's end; it never returns. */
    void doExit() {
        k.enter();
        k.warnOn(k.irqsDisabled(), "do_exit", "IRQs disabled");
        TaskStruct current = k.current();
        if (current.kthread) {
            KernelPrograms.kthreadExit(k, current);
        } else {
            KernelPrograms.userExit(k, current);
        }
        exitMm();
        k.core.doTaskDead();
    }
}
