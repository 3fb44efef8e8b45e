package lazymm.model.kernel;

/**
 * arm64 (arch/arm64/include/asm/mmu_context.h, v7.1.5), the mm_cpumask part: arm64 invalidates
 * TLBs by broadcast and never sets or clears mm_cpumask bits. An iterator over mm_cpumask finds
 * nothing there (HP-CPUMASK).
 */
final class ArchArm64 extends Arch {

    ArchArm64(Kernel k) { super(k); }

    @Override String name() { return "arm64"; }

    @Override
    void switchMmIrqsOff(MmStruct prev, MmStruct next, TaskStruct tsk) {
        k.thisRq().hwMm = next;  // TTBR0 (check_and_switch_context: the ASID model comes later)
    }

    /** The arch does not override for_each_possible_lazymm_cpu: online CPUs. */
}
