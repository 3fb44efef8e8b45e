package lazymm.model.kernel;

import lazymm.model.sim.Violation;

/**
 * The arch side of the lazy MMU mode (CONFIG_ARCH_HAS_LAZY_MMU_MODE): arch_enter / leave /
 * flush_lazy_mmu_mode(), the PTE-update hook that batches while the mode is active, and the
 * context-switch hooks (only Xen PV has them; arm64's __switch_to has its dsb).
 */
@KernelFile("include/linux/pgtable.h")
abstract class LazyMmuArch {

    final Kernel k;
    final LazyMmu lm;

    LazyMmuArch(Kernel k, LazyMmu lm) {
        this.k = k;
        this.lm = lm;
    }

    abstract String name();

    /** arch_enter_lazy_mmu_mode(). */
    abstract void archEnterLazyMmuMode();

    /** arch_leave_lazy_mmu_mode(). */
    abstract void archLeaveLazyMmuMode();

    /** arch_flush_lazy_mmu_mode(). */
    abstract void archFlushLazyMmuMode();

    /** The arch's hook after a PTE store; returns whether it batched (deferred) the update. */
    abstract boolean pteUpdated(LazyMmu.PteUpdate u);

    /** Before the series: the arch's own "in lazy MMU mode" flag (is_lazy_mmu_mode_active()'s ancestor). */
    abstract boolean archLazyMmuModeActive();

    /** For reports: why the last update was not batched. */
    String why() {
        return "is_lazy_mmu_mode_active() is false" + (lm.series() ? "" : " (the arch's flag was cleared by a nested leave)");
    }

    /** For reports: what is still batched. */
    abstract String pending();

    void startContextSwitch(TaskStruct prev) {}

    void endContextSwitch(TaskStruct next) {}

    /** preempt_disable(). */
    void preemptDisable() { k.current().preemptCount++; }

    /** preempt_enable(): under CONFIG_PREEMPT a preemption point when the count drops to 0. */
    void preemptEnable() {
        k.current().preemptCount--;
        k.preemptPoint();
    }

    Violation imbalance(String function, String what) {
        return new Violation("LazyMmu", "imbalance:" + function,
                "lazy_mmu arch enter/leave imbalance on cpu" + k.smpProcessorId() + " (" + name() + "): " + what + " ["
                        + Oracles.callers(8) + "]");
    }

    /** The backend for a configuration: its own choice, else the arch's. */
    static LazyMmuArch of(Kernel k, LazyMmu lm, KernelVariant.LazyMmuBackend backend, String arch) {
        if (backend == KernelVariant.LazyMmuBackend.SPARC64) return new LazyMmuBatch.Sparc(k, lm);
        return switch (KernelVariant.CpuArch.of(arch)) {
            case X86 -> new LazyMmuXen(k, lm);
            case ARM64 -> new LazyMmuArm64(k, lm);
            case POWERPC -> new LazyMmuBatch.PowerpcHash(k, lm);
            case S390 -> throw new IllegalArgumentException("no lazy MMU backend on s390 in the model");
        };
    }
}
