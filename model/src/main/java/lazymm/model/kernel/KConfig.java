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
 * @param hpLazymmMask   the hazard scheme's for_each_possible_lazymm_cpu iterates mm_cpumask, as
 *                       the RFC did on x86: on arm64, which never sets it (HP-CPUMASK), and on
 *                       today's x86, which trims it (HP-X86-TRIM)
 * @param hpWarn         Peter Zijlstra's WARN_ON_ONCE(!old_mm) in mmdrop_lazy (HP-WARN)
 * @param preempt        CONFIG_PREEMPT: tasks may be preempted where the kernel allows it
 * @param taskMmMarked   task->mm written with WRITE_ONCE and read remotely with READ_ONCE (Andy
 *                       Lutomirski's 2022 series, seed 000); false: plain, as in v7.1.5
 * @param membarrierMix  random programs include membarrier users (register, fast and slow paths)
 * @param hpNoMb         the hazard RFC without the barrier finish_task_switch's mmdrop gave
 *                       membarrier (HP-NO-MB)
 * @param taskMmRaceKnown the task->mm race of TASK-MM-RACE is a known report, not repeated (the
 *                       membarrier users of {@code upstream}: the race is today's kernel, and
 *                       {@code TASK-MM-RACE} is the variant that reports it)
 * @param x86Switch      the x86 switch_mm_irqs_off of a historical kernel: "order" before
 *                       fea4e317f9e7 (X86-SWITCH-ORDER), "mb" before 83b0177a6c48 (X86-SWITCH-MB),
 *                       or null: today's
 * @param plant          a bug planted by a test to prove an oracle catches it ({@code plant-*}
 *                       configurations, never in the catalog), or null
 */
record KConfig(LazyTlb lazyTlb, boolean oldHotplug, boolean finishCpuMmdrop, boolean hpLazymmMask, boolean hpWarn,
               boolean preempt, boolean taskMmMarked, boolean membarrierMix, boolean hpNoMb, boolean taskMmRaceKnown, String x86Switch,
               String plant) {

    /** The bugs tests can plant, each at one line marked {@code // PLANTED: <id>}. */
    static final java.util.List<String> PLANTS = java.util.List.of(
            "plant-extra-mmdrop", "plant-missing-mmdrop", "plant-extra-mmput", "plant-no-lazy-grab",
            "plant-no-mb-a", "plant-no-mb-c", "plant-no-mb-d", "plant-no-mb-e", "plant-no-mb-e-6.17",
            "plant-no-lazy-catchup", "plant-no-freed-tables-ipi");

    boolean planted(String id) { return id.equals(plant); }

    /**
     * Random programs include zap and munmap, except when a test removes one of membarrier's
     * barriers: a TLB operation would find the TLB bug of plant-no-mb-e-6.17's kernel first.
     */
    boolean tlbOps() { return plant == null || !plant.startsWith("plant-no-mb-"); }

    /** X86-SWITCH-ORDER: loaded_mm = LOADED_MM_SWITCHING after the tlb_gen read (before fea4e317f9e7). */
    boolean x86SwitchingLate() { return "order".equals(x86Switch); }

    /** X86-SWITCH-MB: no smp_mb() when this CPU's mm_cpumask bit is already set (before 83b0177a6c48). */
    boolean x86SwitchNoMb() { return "mb".equals(x86Switch); }

    static KConfig of(String variant, String lazyTlb) {
        LazyTlb s = LazyTlb.of(lazyTlb);
        if (PLANTS.contains(variant)) {
            boolean mb = variant.startsWith("plant-no-mb-");  // membarrier's barriers: with membarrier users, marked task->mm
            // plant-no-mb-e-6.17: (e) removed from the switch_mm_irqs_off of X86-SWITCH-MB (before
            // 83b0177a6c48), where the CR3 write was the only full barrier when the mask bit was set
            boolean old = variant.equals("plant-no-mb-e-6.17");
            return new KConfig(s, false, false, false, false, true, mb, mb, false, false, old ? "mb" : null,
                    old ? "plant-no-mb-e" : variant);
        }
        return switch (variant) {
            case "HP-HOTPLUG" -> new KConfig(s, true, true, false, false, true, false, false, false, false, null, null);
            case "HP-CPUMASK" -> new KConfig(s, false, false, true, false, true, false, false, false, false, null, null);
            case "HP-X86-TRIM" -> new KConfig(s, false, false, true, false, true, false, false, false, false, null, null);
            case "HP-WARN" -> new KConfig(s, false, false, false, true, true, false, false, false, false, null, null);
            case "SHOOT-TRIM" -> new KConfig(s, true, false, false, false, true, false, false, false, false, null, null);
            case "hazard-membarrier" -> new KConfig(s, false, false, false, false, true, true, true, false, false, null, null);
            case "HP-NO-MB" -> new KConfig(s, false, false, false, false, true, true, true, true, false, null, null);
            case "membarrier" -> new KConfig(s, false, false, false, false, true, true, true, false, false, null, null);
            case "TASK-MM-RACE" -> new KConfig(s, false, false, false, false, true, false, true, false, false, null, null);
            case "X86-SWITCH-ORDER" -> new KConfig(s, false, false, false, false, true, false, false, false, false, "order", null);
            case "X86-SWITCH-MB" -> new KConfig(s, false, false, false, false, true, false, false, false, false, "mb", null);
            case "upstream" -> new KConfig(s, false, false, false, false, true, false, true, false, true, null, null);
            default -> new KConfig(s, false, false, false, false, true, false, false, false, false, null, null);
        };
    }
}
