package lazymm.model.kernel;

import java.util.List;
import lazymm.model.sim.Violation;

/**
 * kernel/fork.c (v7.1.5): freeing an mm (__mmdrop, with the SHOOTDOWN scheme's
 * cleanup_lazy_tlbs, or the hazard-pointer scan of Mathieu Desnoyers' RFC, hpref-lazy-mm), mmput / __mmput, and the mm part of clone (copy_mm).
 * Left out: the teardown inside __mmput other than exit_mmap (aio, ksm, khugepaged, uprobes,
 * exe_file, mmlist), dup_mm's copy of the address space (exec and clone without CLONE_VM make a
 * fresh mm), check_mm's counters (one flag: whether exit_mmap ran).
 */
@KernelFile("kernel/fork.c")
final class Fork {

    private final Kernel k;

    Fork(Kernel k) { this.k = k; }

    /**
     * Called when the last reference to the mm is dropped: either by a lazy thread or by mmput.
     * Free the page directory and the mm.
     */
    void __mmdrop(MmStruct mm) {
        k.bugOn(mm == k.initMm, "__mmdrop", "freeing init_mm");
        TaskStruct current = k.current();
        k.warnOn(mm == k.mem.read(current.mm), "__mmdrop", "mm == current->mm: " + current + " on cpu"
                + k.smpProcessorId() + " frees " + mm + ", the mm it runs on (in " + Oracles.callers(4) + ")");  // WARN_ON_ONCE

        /* Ensure no CPUs are using this as their lazy tlb mm */
        cleanupLazyTlbs(mm);

        k.warnOn(mm == k.mem.read(current.activeMm), "__mmdrop", "mm == current->active_mm: cpu" + k.smpProcessorId()
                + " frees " + mm + " while it is lazily using it (" + current + ", in " + Oracles.callers(4) + ")");  // WARN_ON_ONCE
        k.arch.destroyContext(mm);  // mm_free_pgd() and the rest left out; destroy_context(); then check_mm():
        if (!mm.exitMmapDone) {  // a pr_alert, and the free goes on: a finding that does not end the execution
            k.m.report(new Violation("BadRssCounter", Oracles.callers(3),
                    "BUG: Bad rss-counter state: " + mm + " freed on cpu" + k.smpProcessorId() + " (in "
                            + Oracles.callers(4) + ") before exit_mmap ran: mm_users is "
                            + k.mem.peek(mm.mmUsers) + ", its users still map it"));
        }
        mm.freed = true;
        mm.freedIn = Oracles.callers(3);
        mm.freedBy = "cpu" + k.smpProcessorId() + " in " + Oracles.callers(4);
        k.mem.kfree(mm, mm.name);  // free_mm()
    }

    private void doShootLazyTlb(MmStruct mm) {
        TaskStruct current = k.current();
        if (k.mem.read(current.activeMm) == mm) {
            k.warnOn(k.mem.read(current.mm) != null, "do_shoot_lazy_tlb", "current->mm is set");
            k.mem.write(current.activeMm, k.initMm);
            k.arch.switchMm(mm, k.initMm, current);
            if (k.kc.has(Patch.HPREF_LAZY_MM)) k.smm.hprefClearSlot("do_shoot_lazy_tlb");  // PATCH: hpref-lazy-mm
        }
    }

    /** do_check_lazy_tlb(): CONFIG_DEBUG_VM_SHOOT_LAZIES before the RFC; the RFC calls it always. */
    private void doCheckLazyTlb(MmStruct mm) {
        k.warnOn(k.mem.read(k.current().activeMm) == mm, "do_check_lazy_tlb", "current->active_mm is " + mm + " after do_shoot_lazy_tlb");
    }

    /**
     * retire_lazy_mm_hp() (v3: remove_lazy_mm_hp()), the RFC's hp_scan callback:
     * smp_call_function_single(cpu, do_shoot_lazy_tlb, addr, 1) then do_check_lazy_tlb. A
     * single-target call is on_each_cpu_mask of that one CPU here: run locally with interrupts
     * off, or IPI'd and waited for; an offline CPU runs nothing (-ENXIO, which the RFC ignores).
     */
    private void retireLazyMmHp(int cpu, MmStruct mm) {
        k.smp.onEachCpuMask(1L << cpu, () -> doShootLazyTlb(mm), true, "do_shoot_lazy_tlb");
        k.smp.onEachCpuMask(1L << cpu, () -> doCheckLazyTlb(mm), true, "do_check_lazy_tlb");
    }

    private void cleanupLazyTlbs(MmStruct mm) {
        if (k.kc.has(Patch.HPREF_LAZY_MM)) {  // PATCH: hpref-lazy-mm
            /*
             * Require lazy mm users to switch to another mm when the refcount
             * drops to zero, before the mm is freed. This requires IPIs here to
             * switch kernel threads to init_mm.
             */
            k.hp.scan(mm, this::retireLazyMmHp, k.kc.has(Patch.HPREF_LAZY_MM_V3));  // PATCH: hpref-lazy-mm; PATCH: hpref-lazy-mm-v3: hazptr_scan (no wait after the callback)
            return;
        }
        if (k.kc.lazyTlb() != LazyTlb.SHOOTDOWN) {
            /*
             * In this case, lazy tlb mms are refounted and would not reach
             * __mmdrop until all CPUs have switched away and mmdrop()ed.
             */
            return;
        }
        /*
         * Lazy mm shootdown does not refcount "lazy tlb mm" usage, rather it
         * requires lazy mm users to switch to another mm when the refcount
         * drops to zero, before the mm is freed. This requires IPIs here to
         * switch kernel threads to init_mm.
         */
        k.smp.onEachCpuMask(k.mem.readOnce(mm.cpumask), () -> doShootLazyTlb(mm), true, "do_shoot_lazy_tlb");
    }

    /** exit_mmap(mm) (mm/mmap.c): the address space is torn down: PTEs, page tables, the TLB flush. */
    private void exitMmap(MmStruct mm) {
        k.userMm.exitMmap(mm);
        mm.exitMmapDone = true;
    }

    private void __mmput(MmStruct mm) {
        k.bugOn(k.mem.atomicRead(mm.mmUsers) != 0, "__mmput", "mm_users is not zero");
        exitMmap(mm);
        if (k.kc.lazyTlb().hazard()) {
            k.core.mmUnlazyMmCount(mm);  // the hazard-pointer RFC, before the final mmdrop
        }
        k.smm.mmdrop(mm);
    }

    /** Decrement the use count and release all resources for an mm. */
    void mmput(MmStruct mm) {
        if (k.mem.atomicDecAndTest(mm.mmUsers)) {
            __mmput(mm);
        }
        long users = k.mem.peek(mm.mmUsers);
        if (users < 0) {
            throw new Violation("RefcountUnderflow", Oracles.callers(2),
                    mm.name + ".mm_users went to " + users + ": an mmput without a user");
        }
    }

    /** copy_mm() for clone(CLONE_VM): the child shares the parent's mm. */
    TaskStruct copyProcessVm(TaskStruct parent, List<String> childOps) {
        MmStruct oldmm = k.mem.read(parent.mm);
        k.smm.mmget(oldmm);
        TaskStruct child = k.newTask("task#" + k.nextPid, false, false, oldmm, oldmm, childOps);
        child.group = parent.group;
        return child;
    }
}
