package lazymm.model.kernel;

/**
 * The arm64 ASID allocator's switches (arch/arm64/mm/context.c).
 *
 * @param asidXchg the check_and_switch_context() fast path before a8ffaaa060b8 ("arm64: asid: Do
 *                 not replace active_asids if already 0", v4.18): an unconditional
 *                 atomic64_xchg_relaxed() of active_asids, which can overwrite the 0 a concurrent
 *                 rollover stored (ARM64-ASID-ZERO); false: today's cmpxchg_relaxed
 * @param asidMix  random programs with more address spaces (three or four processes), so that
 *                 the small ASID space of the model rolls over (arm64-asid, ARM64-ASID-ZERO)
 */
record Arm64Switches(boolean asidXchg, boolean asidMix) {

    static Arm64Switches of(String variant) {
        boolean zero = variant.equals("ARM64-ASID-ZERO");
        return new Arm64Switches(zero, zero || variant.equals("arm64-asid") || variant.startsWith("plant-asid")
                || variant.equals("plant-no-asid-flush"));
    }
}
