package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.IntVar;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Violation;

/**
 * The generic lazy MMU mode (include/linux/pgtable.h and include/linux/sched.h, v7.1.5: Kevin
 * Brodsky's series, seed 004): lazy_mmu_mode_enable / disable / pause / resume over
 * task_struct.lazy_mmu_state {enable_count, pause_count}, with the in_interrupt() bail-out and the
 * VM_WARN_ON_ONCEs at 0 and U8_MAX; is_lazy_mmu_mode_active() and __task_lazy_mmu_mode_active().
 * The arch callbacks are a {@link LazyMmuArch} (arm64, powerpc book3s64 hash, sparc64, Xen PV).
 * Before the series (without {@link Patch#LAZY_MMU_NEST}, LAZYMMU-NEST) the callers called
 * arch_enter / arch_leave_lazy_mmu_mode() directly and the arch kept one flag.
 *
 * <p>Also the LazyMmu oracle, the mode's contract as the pgtable.h comment states it:
 * <ul>
 *   <li><b>batched</b>: a PTE update made by a task inside an enabled, unpaused section, not in
 *       interrupt context, is batched by the arch (the mode "may still be enabled" after a nested
 *       disable()); one made outside (or in interrupt context: "the mode is disabled in interrupt
 *       context") is not;
 *   <li><b>flushed</b>: when disable() or pause() returns (nested or not: "disable() causes any
 *       batched architectural state to be flushed regardless of nesting"), every PTE update the
 *       task made is visible to the hardware (arm64: its barriers emitted; powerpc / sparc: the
 *       hash / TSB entries flushed; Xen: the mmu_update multicalls issued);
 *   <li><b>balanced</b>: the arch's per-CPU state is entered and left in pairs (Xen's
 *       enter_lazy() / leave_lazy() BUG_ONs), and a backend that disabled preemption in
 *       arch_enter is never scheduled away from, and leaves no batch behind, at a context switch;
 *   <li><b>no sleep</b>: nothing may sleep while the mode is active ("generic code may not sleep
 *       while the lazy MMU mode is active"): might_sleep() in a section reports.
 * </ul>
 * The PTE stores themselves are shared memory (each a yield point, where interrupts come in);
 * the rest (lazy_mmu_state, the per-CPU batches, xen_lazy_mode) is task- or CPU-local state
 * touched only with preemption off or by its owner, so plain fields.
 *
 * <p>Left out: the batch contents (vpn, psize, mm), their size limits (a full batch flushes
 * early: the contract only gets easier), radix (powerpc's lazy mode is a no-op there), the other
 * Xen lazy mode users (XEN_LAZY_CPU outside the context switch).
 */
@KernelFile("include/linux/pgtable.h")
final class LazyMmu {

    /** One PTE update, from its store until the hardware (or the hypervisor) has it. */
    static final class PteUpdate {
        final String what;
        /** The task that made it, or null for an interrupt handler. */
        final TaskStruct task;
        final int cpu;
        boolean visible;

        PteUpdate(String what, TaskStruct task, int cpu) {
            this.what = what;
            this.task = task;
            this.cpu = cpu;
        }

        @Override public String toString() { return what + (task == null ? " (interrupt, cpu" + cpu + ")" : " by " + task); }
    }

    static final int U8_MAX = 255;

    final Kernel k;
    /** The backend; null when the variant runs no lazy MMU users. */
    final LazyMmuArch arch;
    /** One kernel PTE per area (apply_to_page_range on init_mm: a task's vmalloc area, an interrupt's), made as used. */
    @Ghost private final List<IntVar> kernelPtes = new ArrayList<>();
    /** PTE updates made by interrupt handlers, per CPU, not yet visible. */
    @Ghost private final List<List<PteUpdate>> irqUnflushed = new ArrayList<>();
    @Ghost private int nextVal = 1;

    LazyMmu(Kernel k, String archName) {
        this.k = k;
        this.arch = k.kc.runs(KernelVariant.Workload.LAZY_MMU) ? LazyMmuArch.of(k, this, k.kc.lazyMmuBackend(), archName) : null;
        for (int c = 0; c < k.cfg.cpus(); c++) irqUnflushed.add(new ArrayList<>());
    }

    boolean enabled() { return arch != null; }

    /** The generic layer nests (task_struct.lazy_mmu_state); before it, each arch kept one flag. */
    boolean series() { return k.kc.has(Patch.LAZY_MMU_NEST); }  // PATCH: 5ab246749569

    /** in_interrupt(). */
    boolean inInterrupt() { return k.inInterrupt(); }

    // ---- include/linux/pgtable.h ----

    /**
     * lazy_mmu_mode_enable(): enters a new lazy MMU mode section; if the mode was not already
     * enabled, enables it and calls arch_enter_lazy_mmu_mode(). No effect while paused or in
     * interrupt context.
     */
    void lazyMmuModeEnable() {
        LazyMmuState state = k.current().lazyMmuState;
        ghostEnable(state);
        if (!series()) {
            arch.archEnterLazyMmuMode();  // PATCH: 5ab246749569: before it, no enable_count: every enable is an arch enter (LAZYMMU-NEST)
            return;
        }
        if (inInterrupt() || state.pauseCount > 0) return;

        k.warnOn(state.enableCount == U8_MAX, "lazy_mmu_mode_enable", "enable_count == U8_MAX");  // VM_WARN_ON_ONCE

        if (state.enableCount++ == 0) {
            k.preemptPoint();  // CONFIG_PREEMPT: nothing keeps the task here between the count and the arch call
            arch.archEnterLazyMmuMode();
        }
    }

    /**
     * lazy_mmu_mode_disable(): exits the current section. The outermost one disables the mode
     * and calls arch_leave_lazy_mmu_mode(); a nested one calls arch_flush_lazy_mmu_mode().
     */
    void lazyMmuModeDisable() {
        LazyMmuState state = k.current().lazyMmuState;
        boolean counted = ghostDisable(state);
        if (!series()) {
            arch.archLeaveLazyMmuMode();  // PATCH: 5ab246749569: before it, every disable is an arch leave: a nested one ends the outer section's lazy mode (LAZYMMU-NEST)
            checkFlushed(state, "lazy_mmu_mode_disable");
            return;
        }
        if (inInterrupt() || state.pauseCount > 0) {
            if (inInterrupt()) checkFlushed(state, "lazy_mmu_mode_disable");
            return;
        }

        k.warnOn(state.enableCount == 0, "lazy_mmu_mode_disable", "enable_count == 0");  // VM_WARN_ON_ONCE

        if (--state.enableCount == 0) {
            k.preemptPoint();  // CONFIG_PREEMPT: between the count and the arch call
            arch.archLeaveLazyMmuMode();
        } else if (!k.kc.has(Patch.PLANT_LAZYMMU_NO_FLUSH)) { /* Exiting a nested section */  // PATCH: plant-lazymmu-no-flush: no arch_flush_lazy_mmu_mode() on a nested exit
            arch.archFlushLazyMmuMode();
        }
        if (counted) checkFlushed(state, "lazy_mmu_mode_disable");
    }

    /**
     * lazy_mmu_mode_pause(): if the mode is active, disables it and calls
     * arch_leave_lazy_mmu_mode(); the lazy_mmu_mode_* calls until the matching resume() have no
     * effect. No effect in interrupt context.
     */
    void lazyMmuModePause() {
        LazyMmuState state = k.current().lazyMmuState;
        ghostPause(state);
        if (!series()) {
            arch.archLeaveLazyMmuMode();  // before the series: kasan's arch_leave_lazy_mmu_mode()
            checkFlushed(state, "lazy_mmu_mode_pause");
            return;
        }
        if (inInterrupt()) return;

        k.warnOn(state.pauseCount == U8_MAX, "lazy_mmu_mode_pause", "pause_count == U8_MAX");  // VM_WARN_ON_ONCE

        if (state.pauseCount++ == 0 && state.enableCount > 0) {
            k.preemptPoint();  // CONFIG_PREEMPT: between the count and the arch call
            arch.archLeaveLazyMmuMode();
        }
        checkFlushed(state, "lazy_mmu_mode_pause");
    }

    /**
     * lazy_mmu_mode_resume(): if the mode was active at the matching pause(), re-enables it and
     * calls arch_enter_lazy_mmu_mode(). No effect in interrupt context.
     */
    void lazyMmuModeResume() {
        LazyMmuState state = k.current().lazyMmuState;
        ghostResume(state);
        if (!series()) {
            arch.archEnterLazyMmuMode();  // before the series: kasan's arch_enter_lazy_mmu_mode()
            return;
        }
        if (inInterrupt()) return;

        k.warnOn(state.pauseCount == 0, "lazy_mmu_mode_resume", "pause_count == 0");  // VM_WARN_ON_ONCE

        if (--state.pauseCount == 0 && state.enableCount > 0) {
            k.preemptPoint();  // CONFIG_PREEMPT: between the count and the arch call
            arch.archEnterLazyMmuMode();
        }
    }

    // ---- include/linux/sched.h ----

    /** __task_lazy_mmu_mode_active(tsk): for arch context-switch code; ignores interrupt context. */
    static boolean taskLazyMmuModeActive(TaskStruct tsk) {
        LazyMmuState state = tsk.lazyMmuState;
        return state.enableCount > 0 && state.pauseCount == 0;
    }

    /**
     * is_lazy_mmu_mode_active(): not in interrupt context and the current task's mode active.
     * Before the series: the arch's own flag.
     */
    boolean isLazyMmuModeActive() {
        if (!series()) return arch.archLazyMmuModeActive();
        if (inInterrupt()) return false;
        return taskLazyMmuModeActive(k.current());
    }

    // ---- PTE updates ----

    /** A kernel PTE of area {@code area} (apply_to_page_range(&init_mm, ...): vmalloc, set_memory). */
    IntVar kernelPte(int area) {
        while (kernelPtes.size() <= area) kernelPtes.add(k.mem.intVar("init_mm.pte[" + kernelPtes.size() + "]", 0));
        return kernelPtes.get(area);
    }

    /**
     * set_pte_at() / ptep_modify_prot_commit(): the store to the page table, then the arch's
     * hook (arm64 queue_pte_barriers, powerpc hpte_need_flush, sparc tlb_batch_add_one, Xen
     * xen_set_pte's multicall); the oracle checks whether the arch batched it.
     */
    void setPte(IntVar pte, String what) {
        k.mem.writeOnce(pte, nextVal++);  // the PTE store (on Xen PV: what the mmu_update writes)
        boolean irq = inInterrupt();
        TaskStruct cur = k.current();
        PteUpdate u = new PteUpdate(what, irq ? null : cur, k.smpProcessorId());
        if (irq) irqUnflushed.get(u.cpu).add(u); else cur.lazyMmuState.unflushed.add(u);
        boolean batched = arch.pteUpdated(u);
        boolean contract = !irq && cur.lazyMmuState.depth > 0 && cur.lazyMmuState.paused == 0;
        if (contract && !batched) {
            throw new Violation("LazyMmu", "not batched",
                    "lazy_mmu contract: " + u + " on cpu" + u.cpu + " is inside an enabled lazy MMU section (depth "
                            + cur.lazyMmuState.depth + ") but " + arch.name() + " did not batch it: "
                            + arch.why() + " [" + Oracles.callers(6) + "]");
        }
        if (!contract && batched) {
            throw new Violation("LazyMmu", "batched outside",
                    "lazy_mmu contract: " + u + " on cpu" + u.cpu + " is outside any active lazy MMU section"
                            + (irq ? " (interrupt context)" : "") + " but " + arch.name() + " batched it ["
                            + Oracles.callers(6) + "]");
        }
    }

    /** The hardware (or the hypervisor) has the update now. */
    void visible(PteUpdate u) { u.visible = true; }

    /**
     * A barrier or flush that makes every update made on this CPU so far visible (arm64 dsb; an
     * update made here by the current task or by an interrupt handler).
     */
    void allVisibleOf(TaskStruct t) {
        for (PteUpdate u : t.lazyMmuState.unflushed) u.visible = true;
    }

    void irqAllVisible(int cpu) {
        for (PteUpdate u : irqUnflushed.get(cpu)) u.visible = true;
    }

    // ---- the oracle's ghost state ----

    private void ghostEnable(LazyMmuState s) {
        if (!inInterrupt() && s.paused == 0) s.depth++;
    }

    /** Returns whether the call counts (not in interrupt context, not paused). */
    private boolean ghostDisable(LazyMmuState s) {
        if (inInterrupt() || s.paused > 0) return false;
        s.depth--;
        return true;
    }

    private void ghostPause(LazyMmuState s) {
        if (!inInterrupt()) s.paused++;
    }

    private void ghostResume(LazyMmuState s) {
        if (!inInterrupt()) s.paused--;
    }

    /** When disable() or pause() returns: every update of this context is visible. */
    private void checkFlushed(LazyMmuState s, String function) {
        List<PteUpdate> list = inInterrupt() ? irqUnflushed.get(k.smpProcessorId()) : s.unflushed;
        for (PteUpdate u : list) {
            if (!u.visible) {
                throw new Violation("LazyMmu", "not flushed:" + function,
                        "lazy_mmu contract: " + function + "() returned on cpu" + k.smpProcessorId() + " but " + u
                                + " is still batched by " + arch.name() + " (" + arch.pending() + ") ["
                                + Oracles.callers(6) + "]");
            }
        }
        list.removeIf(u -> u.visible);
    }

    /** might_sleep() (and the page allocator's): no sleeping in lazy MMU mode or with preemption off. */
    void mightSleep(String function) {
        TaskStruct cur = k.current();
        LazyMmuState s = cur.lazyMmuState;
        if (s.depth > 0 && s.paused == 0) {
            throw new Violation("LazyMmu", "sleep in lazy mode",
                    "lazy_mmu contract: " + function + " may sleep but " + cur + " is in lazy MMU mode (depth " + s.depth
                            + ", " + arch.name() + ") [" + Oracles.callers(6) + "]");
        }
        k.bugOn(cur.preemptCount > 0, function, "sleeping function called from invalid context (preempt_count "
                + cur.preemptCount + ")");
    }

    // ---- the arch's context-switch hooks ----

    /** arch_start_context_switch(prev): in context_switch(), IRQs off. */
    void archStartContextSwitch(TaskStruct prev) {
        if (arch != null) arch.startContextSwitch(prev);
    }

    /** arch_end_context_switch(next): in __switch_to(), on next's stack (current is not yet next on x86). */
    void archEndContextSwitch(TaskStruct next) {
        if (arch != null) arch.endContextSwitch(next);
    }
}
