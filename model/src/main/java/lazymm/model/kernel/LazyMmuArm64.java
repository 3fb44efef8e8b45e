package lazymm.model.kernel;

/**
 * arm64's lazy MMU mode (arch/arm64/include/asm/pgtable.h, v7.1.5): PTE updates to kernel
 * mappings owe a dsb(ishst); isb (emit_pte_barriers); in lazy MMU mode queue_pte_barriers() only
 * sets TIF_LAZY_MMU_PENDING and arch_flush / arch_leave emit them. arch_enter does nothing: the
 * state is the task's (lazy_mmu_state), so preemption and migration need no care; a preempted
 * task's stores are made visible by __switch_to()'s dsb, its isb is issued when it runs again.
 *
 * <p>Before the series (LAZYMMU-NEST; 5fdd05efa1cd, b81c688426a9 and 1ef3095b1405
 * "arm64/mm: Permit lazy_mmu_mode to be nested"): one thread flag, TIF_LAZY_MMU, set by
 * arch_enter and cleared by arch_leave, each bailing out in interrupt context. The comment it
 * carried: "The first call to arch_leave_lazy_mmu_mode() will flush and clear the flag such that
 * the remainder of the work in the outer nest behaves as if outside of lazy mmu mode."
 */
@KernelFile("arch/arm64/include/asm/pgtable.h")
final class LazyMmuArm64 extends LazyMmuArch {

    LazyMmuArm64(Kernel k, LazyMmu lm) { super(k, lm); }

    @Override String name() { return "arm64"; }

    /** emit_pte_barriers(): dsb(ishst) makes this CPU's page-table stores visible to the walker. */
    private void emitPteBarriers() {
        if (lm.inInterrupt()) lm.irqAllVisible(k.smpProcessorId());
        lm.allVisibleOf(k.current());  // the dsb orders every earlier store of this CPU, the interrupted task's too
    }

    @Override
    void archEnterLazyMmuMode() {
        if (lm.series()) return;
        if (lm.inInterrupt()) return;
        k.current().lazyMmuState.tifLazyMmu = true;  // set_thread_flag(TIF_LAZY_MMU)
    }

    @Override
    void archFlushLazyMmuMode() {
        if (!lm.series() && lm.inInterrupt()) return;
        LazyMmuState s = k.current().lazyMmuState;
        if (s.tifLazyMmuPending) {  // test_and_clear_thread_flag(TIF_LAZY_MMU_PENDING)
            s.tifLazyMmuPending = false;
            emitPteBarriers();
        }
    }

    @Override
    void archLeaveLazyMmuMode() {
        if (!lm.series() && lm.inInterrupt()) return;
        archFlushLazyMmuMode();
        if (!lm.series()) k.current().lazyMmuState.tifLazyMmu = false;  // clear_thread_flag(TIF_LAZY_MMU)
    }

    @Override
    boolean archLazyMmuModeActive() {
        if (lm.inInterrupt()) return false;
        return k.current().lazyMmuState.tifLazyMmu;
    }

    /** queue_pte_barriers(). */
    @Override
    boolean pteUpdated(LazyMmu.PteUpdate u) {
        if (lm.isLazyMmuModeActive()) {
            LazyMmuState s = k.current().lazyMmuState;
            /* Avoid the atomic op if already set. */
            if (!s.tifLazyMmuPending) s.tifLazyMmuPending = true;
            return true;
        }
        emitPteBarriers();
        return false;
    }

    @Override
    String pending() {
        return "TIF_LAZY_MMU_PENDING " + (k.current().lazyMmuState.tifLazyMmuPending ? "set" : "clear");
    }

    /** __switch_to(): dsb(ish) before the switch; the flags stay with the task. */
    @Override
    void startContextSwitch(TaskStruct prev) {
        lm.allVisibleOf(prev);
    }
}
