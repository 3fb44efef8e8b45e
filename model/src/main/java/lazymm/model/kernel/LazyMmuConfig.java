package lazymm.model.kernel;

import java.util.List;

/**
 * The lazy MMU mode switches of a variant (one KConfig component): whether the tasks of random
 * programs update page tables in lazy MMU sections, which backend implements the mode, and which
 * historical shape of the generic layer and of the backend runs.
 *
 * @param backend the backend: {@code null} picks the arch's (x86: Xen PV, arm64: arm64,
 *                powerpc: book3s64 hash), or {@code "sparc"} (sparc64's tlb_batch, run on the
 *                x86 model: its TSO memory and its mm switching; the backend itself is per-CPU
 *                and per-task state only)
 * @param counters the generic layer of Kevin Brodsky's series (seed 004, v7.1.5):
 *                task_struct.lazy_mmu_state {enable_count, pause_count}; false: the pre-series
 *                kernel, where lazy_mmu_mode_enable/disable were arch_enter/arch_leave_lazy_mmu_mode
 *                and each arch kept one flag (arm64 TIF_LAZY_MMU as of 1ef3095b1405, powerpc
 *                batch->active, sparc tlb_batch.active, Xen's per-CPU xen_lazy_mode) (LAZYMMU-NEST)
 * @param xenFix  Juergen Gross's May-2026 fix of 291b3abed657 ("x86/xen: use lazy_mmu_state when
 *                context-switching"): xen_enter_lazy_mmu() / xen_leave_lazy_mmu() tolerate a
 *                second enter / a leave without enter, as v7.1.5 has them; false: 291b3abed657's
 *                plain enter_lazy() / leave_lazy() (LAZYMMU-PREEMPT)
 */
record LazyMmuConfig(String backend, boolean counters, boolean xenFix) {

    /** The variants that run lazy MMU users, and their switches. */
    static LazyMmuConfig of(String variant) {
        return switch (variant) {
            case "lazymmu", "lazymmu-arm64", "lazymmu-powerpc", "plant-lazymmu-no-flush", "plant-lazymmu-sleep" ->
                    new LazyMmuConfig(null, true, true);
            case "lazymmu-sparc" -> new LazyMmuConfig("sparc", true, true);
            case "LAZYMMU-NEST" -> new LazyMmuConfig(null, false, true);
            case "LAZYMMU-PREEMPT" -> new LazyMmuConfig(null, true, false);
            default -> null;
        };
    }

    /** The plants in the lazy MMU paths (KConfig.PLANTS). */
    static final List<String> PLANTS = List.of("plant-lazymmu-no-flush", "plant-lazymmu-sleep");
}
