package lazymm.model.kernel;

/**
 * What a variant changes in the kernel model: the Kconfig-like choices and the historical shapes
 * of the code. A broken variant changes only the lines its patch changed; those lines are marked
 * {@code // BROKEN: <id>: <what>} where they are.
 *
 * @param lazyTlb        the lazy-TLB scheme
 * @param oldHotplug     the v5.8..v6.13 CPU-offline path (bf2c59fce407): the dying CPU keeps its
 *                       lazy mm until idle_task_exit() switches the hardware to init_mm (leaving
 *                       idle->active_mm alone), and finish_cpu() on the control CPU drops it.
 *                       false: today's path (21641bd9a7a7, v6.14), sched_force_init_mm() at
 *                       CPUHP_AP_SCHED_WAIT_EMPTY
 * @param finishCpuMmdrop finish_cpu() drops idle->active_mm with a real mmdrop(), as 5.13 did
 *                       (before the lazy helpers of v6.4) (HP-HOTPLUG)
 * @param hpLazymmMask   the hazard scheme's for_each_possible_lazymm_cpu iterates mm_cpumask on
 *                       an arch that does not maintain it (HP-CPUMASK)
 * @param hpWarn         Peter Zijlstra's WARN_ON_ONCE(!old_mm) in mmdrop_lazy (HP-WARN)
 * @param preempt        CONFIG_PREEMPT: tasks may be preempted where the kernel allows it
 * @param plant          a bug planted by a test to prove an oracle catches it ({@code plant-*}
 *                       configurations, never in the catalog), or null
 */
record KConfig(LazyTlb lazyTlb, boolean oldHotplug, boolean finishCpuMmdrop, boolean hpLazymmMask, boolean hpWarn,
               boolean preempt, String plant) {

    /** The bugs tests can plant, each at one line marked {@code // PLANTED: <id>}. */
    static final java.util.List<String> PLANTS = java.util.List.of(
            "plant-extra-mmdrop", "plant-missing-mmdrop", "plant-extra-mmput", "plant-no-lazy-grab");

    boolean planted(String id) { return id.equals(plant); }

    static KConfig of(String variant, String lazyTlb) {
        LazyTlb s = LazyTlb.of(lazyTlb);
        if (PLANTS.contains(variant)) return new KConfig(s, false, false, false, false, true, variant);
        return switch (variant) {
            case "HP-HOTPLUG" -> new KConfig(s, true, true, false, false, true, null);
            case "HP-CPUMASK" -> new KConfig(s, false, false, true, false, true, null);
            case "HP-WARN" -> new KConfig(s, false, false, false, true, true, null);
            case "SHOOT-TRIM" -> new KConfig(s, true, false, false, false, true, null);
            default -> new KConfig(s, false, false, false, false, true, null);
        };
    }
}
