package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Xen PV's lazy MMU mode (arch/x86/xen/mmu_pv.c, enlighten_pv.c, multicalls.c and
 * arch/x86/include/asm/xen/hypervisor.h, v7.1.5): the per-CPU xen_lazy_mode (NONE, MMU, CPU) with
 * enter_lazy() / leave_lazy() and their BUG_ONs, the per-CPU multicall buffer that
 * xen_set_pte() queues mmu_update entries in while xen_get_lazy_mode() == XEN_LAZY_MMU, and the
 * paravirt context-switch hooks: xen_start_context_switch(prev) leaves the MMU mode (issuing the
 * batch) and enters XEN_LAZY_CPU; xen_end_context_switch(next) leaves XEN_LAZY_CPU and, if
 * __task_lazy_mmu_mode_active(next) (291b3abed657, "x86/xen: use lazy_mmu_state when
 * context-switching"), re-enters the MMU mode for next.
 *
 * <p>291b3abed657 assumed the per-CPU mode and the task's lazy_mmu_state agree at every switch.
 * They do not when a task is preempted inside lazy_mmu_mode_enable() between enable_count 0->1
 * and arch_enter_lazy_mmu_mode() (or inside disable() between 1->0 and arch_leave): the switch
 * back enters the mode for it, then its own arch_enter enters again, and enter_lazy()'s BUG_ON
 * fires (leave: leave_lazy()'s) (LAZYMMU-PREEMPT; QubesOS' 7.0-rc splats). Juergen Gross's fix
 * (May 2026, "Fixes: 291b3abed657", in v7.1.5) makes xen_enter_lazy_mmu() and
 * xen_leave_lazy_mmu() tolerate both. Before the series: the hooks saved the mode in prev's
 * TIF_LAZY_MMU_UPDATES (after c36549ff8d84 reverted 49147beb0ccb's per-CPU nesting count).
 *
 * <p>Left out: the multicall buffer's size limit and its other users, XEN_LAZY_CPU's batching
 * of the switch's own hypercalls (the model issues nothing in it).
 */
@KernelFile("arch/x86/xen/mmu_pv.c")
final class LazyMmuXen extends LazyMmuArch {

    static final int XEN_LAZY_NONE = 0;
    static final int XEN_LAZY_MMU = 1;
    static final int XEN_LAZY_CPU = 2;
    private static final String[] NAMES = {"XEN_LAZY_NONE", "XEN_LAZY_MMU", "XEN_LAZY_CPU"};

    /** DEFINE_PER_CPU(enum xen_lazy_mode, xen_lazy_mode). */
    private final int[] xenLazyMode;
    /** The per-CPU multicall buffer's mmu_update entries. */
    private final List<List<LazyMmu.PteUpdate>> mc = new ArrayList<>();
    /** TIF_LAZY_MMU_UPDATES of each task (before the series), by pid. */
    private final List<TaskStruct> lazyMmuUpdates = new ArrayList<>();

    LazyMmuXen(Kernel k, LazyMmu lm) {
        super(k, lm);
        xenLazyMode = new int[k.cfg.cpus()];
        for (int c = 0; c < k.cfg.cpus(); c++) mc.add(new ArrayList<>());
    }

    @Override String name() { return "Xen PV"; }

    private int thisCpuRead() { return xenLazyMode[k.smpProcessorId()]; }

    /** xen_get_lazy_mode(). */
    private int xenGetLazyMode() {
        if (lm.inInterrupt()) return XEN_LAZY_NONE;
        return thisCpuRead();
    }

    /** enter_lazy(mode). */
    private void enterLazy(int mode) {
        if (thisCpuRead() != XEN_LAZY_NONE) {  // BUG_ON(this_cpu_read(xen_lazy_mode) != XEN_LAZY_NONE)
            throw imbalance("enter_lazy", "kernel BUG in enter_lazy(" + NAMES[mode] + "): xen_lazy_mode is already "
                    + NAMES[thisCpuRead()]);
        }
        xenLazyMode[k.smpProcessorId()] = mode;
    }

    /** leave_lazy(mode). */
    private void leaveLazy(int mode) {
        if (thisCpuRead() != mode) {  // BUG_ON(this_cpu_read(xen_lazy_mode) != mode)
            throw imbalance("leave_lazy", "kernel BUG in leave_lazy(" + NAMES[mode] + "): xen_lazy_mode is "
                    + NAMES[thisCpuRead()]);
        }
        xenLazyMode[k.smpProcessorId()] = XEN_LAZY_NONE;
    }

    /** xen_mc_flush(): issue this CPU's batched hypercalls. */
    private void xenMcFlush() {
        List<LazyMmu.PteUpdate> b = mc.get(k.smpProcessorId());
        for (LazyMmu.PteUpdate u : b) lm.visible(u);
        b.clear();
    }

    /** xen_enter_lazy_mmu(). The preempt_disable() pairs are per-CPU accesses made atomic here. */
    @Override
    void archEnterLazyMmuMode() {
        if (!k.kc.has(Patch.XEN_LAZY_MMU_PREEMPT_FIX)) {  // PATCH: 4594437880ce
            enterLazy(XEN_LAZY_MMU);  // without it: 291b3abed657's enter, not tolerant of a second enter (LAZYMMU-PREEMPT)
            return;
        }
        if (xenGetLazyMode() != XEN_LAZY_MMU) enterLazy(XEN_LAZY_MMU);
    }

    /** xen_flush_lazy_mmu(). */
    @Override
    void archFlushLazyMmuMode() {
        if (xenGetLazyMode() == XEN_LAZY_MMU) xenMcFlush();
    }

    /** xen_leave_lazy_mmu(). */
    @Override
    void archLeaveLazyMmuMode() {
        xenMcFlush();
        if (!k.kc.has(Patch.XEN_LAZY_MMU_PREEMPT_FIX)) {  // PATCH: 4594437880ce
            leaveLazy(XEN_LAZY_MMU);  // without it: 291b3abed657's leave, not tolerant of a leave without enter (LAZYMMU-PREEMPT)
            return;
        }
        if (xenGetLazyMode() != XEN_LAZY_NONE) leaveLazy(XEN_LAZY_MMU);
    }

    @Override
    boolean archLazyMmuModeActive() { return xenGetLazyMode() == XEN_LAZY_MMU; }

    /** xen_set_pte() -> xen_batched_set_pte(): queue an mmu_update, or issue it now. */
    @Override
    boolean pteUpdated(LazyMmu.PteUpdate u) {
        if (xenGetLazyMode() != XEN_LAZY_MMU) {
            lm.visible(u);  // native_set_pte / HYPERVISOR_mmu_update now
            return false;
        }
        mc.get(k.smpProcessorId()).add(u);  // xen_mc_batch(); xen_extend_mmu_update(); xen_mc_issue(XEN_LAZY_MMU)
        return true;
    }

    @Override
    String why() {
        return "xen_lazy_mode of cpu" + k.smpProcessorId() + " is " + NAMES[thisCpuRead()];
    }

    @Override
    String pending() {
        return "cpu" + k.smpProcessorId() + "'s multicall buffer holds " + mc.get(k.smpProcessorId()).size()
                + ", xen_lazy_mode " + NAMES[thisCpuRead()];
    }

    /** xen_start_context_switch(prev). */
    @Override
    void startContextSwitch(TaskStruct prev) {
        if (thisCpuRead() == XEN_LAZY_MMU) {
            archLeaveLazyMmuMode();
            if (!k.kc.has(Patch.XEN_LAZY_MMU_STATE) && !lazyMmuUpdates.contains(prev)) lazyMmuUpdates.add(prev);  // set_ti_thread_flag(task_thread_info(prev), TIF_LAZY_MMU_UPDATES); PATCH: 291b3abed657
        }
        enterLazy(XEN_LAZY_CPU);
    }

    /** xen_end_context_switch(next). */
    @Override
    void endContextSwitch(TaskStruct next) {
        xenMcFlush();
        leaveLazy(XEN_LAZY_CPU);
        if (k.kc.has(Patch.XEN_LAZY_MMU_STATE) ? LazyMmu.taskLazyMmuModeActive(next) : lazyMmuUpdates.remove(next)) {  // PATCH: 291b3abed657
            archEnterLazyMmuMode();
        }
    }
}
