package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.sim.Ghost;

/**
 * struct lazy_mmu_state (include/linux/mm_types_task.h, v7.1.5): task_struct.lazy_mmu_state,
 * read and written only by the task itself (and, for __task_lazy_mmu_mode_active(), by the arch's
 * context-switch code on the CPU the task is switched to), so plain fields, as preempt_count.
 * Also the task's arm64 thread flags TIF_LAZY_MMU (before the series) and TIF_LAZY_MMU_PENDING,
 * and the ghost state of the LazyMmu oracle.
 */
@KernelFile("include/linux/mm_types_task.h")
final class LazyMmuState {

    /** u8 enable_count. */
    int enableCount;
    /** u8 pause_count. */
    int pauseCount;
    /** arm64 TIF_LAZY_MMU (before the series: the arch's only state). */
    boolean tifLazyMmu;
    /** arm64 TIF_LAZY_MMU_PENDING: barriers owed for PTE updates made in lazy MMU mode. */
    boolean tifLazyMmuPending;

    /** The oracle's view: sections entered (the series' semantics, whatever the kernel does). */
    @Ghost int depth;
    /** ... and pauses. */
    @Ghost int paused;
    /** PTE updates of this task not yet visible to the hardware (or the hypervisor). */
    @Ghost final List<LazyMmu.PteUpdate> unflushed = new ArrayList<>();
}
