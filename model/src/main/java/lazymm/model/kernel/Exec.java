package lazymm.model.kernel;

/**
 * fs/exec.c (v7.1.5): exec_mmap, with CONFIG_ARCH_WANT_IRQS_OFF_ACTIVATE_MM (x86, powerpc and
 * s390 select it; activate_mm is switch_mm here). Left out: exec_update_lock, mmap_read_lock of
 * the old mm, mm_cid, lru_gen, the binfmt work around it.
 */
@KernelFile("fs/exec.c")
final class Exec {

    private final Kernel k;

    Exec(Kernel k) { this.k = k; }

    void execMmap(MmStruct mm) {
        TaskStruct tsk = k.current();
        MmStruct oldMm = k.mem.read(tsk.mm);
        // task_lock(tsk);
        boolean irqsOff = k.kc.has(Patch.EXEC_MMAP_IRQS_OFF);  // PATCH: d53c3dfb23c4: before it, IRQs stayed on (task_lock() only disables preemption)
        MmStruct activeMm = null;
        if (!irqsOff) {  // PATCH: d53c3dfb23c4
            tsk.preemptCount++;  // PATCH: d53c3dfb23c4: before it, task_lock()'s preempt_disable() only (task_lock is left out here)
            activeMm = k.mem.read(tsk.activeMm);  // PATCH: d53c3dfb23c4: before it, active_mm = tsk->active_mm before membarrier_exec_mmap(), IRQs on
        }
        k.membarrier.membarrierExecMmap(mm);
        if (!irqsOff) {  // PATCH: d53c3dfb23c4: before it, tsk->mm = mm; tsk->active_mm = mm; activate_mm() with IRQs on
            if (k.kc.has(Patch.TASK_MM_ONCE)) k.mem.writeOnce(tsk.mm, mm); else k.mem.write(tsk.mm, mm);  // PATCH: d53c3dfb23c4 (tsk->mm = mm first); PATCH: luto-task-mm-once
            k.mem.write(tsk.activeMm, mm);  // PATCH: d53c3dfb23c4
            k.arch.switchMm(activeMm, mm, tsk);  // PATCH: d53c3dfb23c4: activate_mm(active_mm, mm), IRQs off only inside switch_mm()
            tsk.preemptCount--;  // PATCH: d53c3dfb23c4: task_unlock()'s preempt_enable()
        } else {  // PATCH: d53c3dfb23c4
            k.localIrqDisable();  // PATCH: d53c3dfb23c4
            activeMm = k.mem.read(tsk.activeMm);  // PATCH: d53c3dfb23c4
            k.mem.write(tsk.activeMm, mm);
            if (k.kc.has(Patch.TASK_MM_ONCE)) k.mem.writeOnce(tsk.mm, mm); else k.mem.write(tsk.mm, mm);  // tsk->mm = mm: plain in v7.1.5; PATCH: luto-task-mm-once; PATCH: d53c3dfb23c4 (after ->active_mm)
            k.arch.switchMmIrqsOff(activeMm, mm, tsk);  // activate_mm(active_mm, mm); ARCH_WANT_IRQS_OFF_ACTIVATE_MM
            k.localIrqEnable();  // PATCH: d53c3dfb23c4
        }
        // task_unlock(tsk);
        if (oldMm != null) {
            k.bugOn(activeMm != oldMm, "exec_mmap", "active_mm != old_mm");
            k.preemptPoint();
            k.fork.mmput(oldMm);
            return;
        }
        if (k.kc.lazyTlb().hazard()) {
            k.mem.smpStoreRelease(k.thisRq().lazyMm, null);  // hazard done right: no longer lazy; pairs with: mm_unlazy_mm_count's smp_load_acquire
        }
        k.smm.mmdropLazyTlb(activeMm);
    }
}
