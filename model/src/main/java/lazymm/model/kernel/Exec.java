package lazymm.model.kernel;

/**
 * fs/exec.c (v7.1.5): exec_mmap, with CONFIG_ARCH_WANT_IRQS_OFF_ACTIVATE_MM (x86, powerpc and
 * s390 select it; activate_mm is switch_mm here). Left out: exec_update_lock, mmap_read_lock of
 * the old mm, mm_cid, lru_gen, the binfmt work around it.
 */
final class Exec {

    private final Kernel k;

    Exec(Kernel k) { this.k = k; }

    void execMmap(MmStruct mm) {
        TaskStruct tsk = k.current();
        MmStruct oldMm = k.mem.read(tsk.mm);
        // task_lock(tsk);
        k.membarrier.membarrierExecMmap(mm);
        k.localIrqDisable();
        MmStruct activeMm = k.mem.read(tsk.activeMm);
        k.mem.write(tsk.activeMm, mm);
        if (k.kc.has(Patch.TASK_MM_ONCE)) k.mem.writeOnce(tsk.mm, mm); else k.mem.write(tsk.mm, mm);  // tsk->mm = mm: plain in v7.1.5; PATCH: luto-task-mm-once
        k.arch.switchMmIrqsOff(activeMm, mm, tsk);  // activate_mm(active_mm, mm)
        k.localIrqEnable();
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
