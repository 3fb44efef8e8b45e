package lazymm.model.kernel;

import java.util.List;
import java.util.stream.Stream;

/**
 * What a variant changes in the kernel model: the Kconfig-like choices and the historical shapes
 * of the code. A broken variant changes only the lines its patch changed; those lines are marked
 * {@code // BROKEN: <id>: <what>} where they are.
 *
 * @param lazyTlb        the lazy-TLB scheme
 * @param oldHotplug     the v5.8..v6.13 CPU-offline path (bf2c59fce407; also PPC-TRIM-KTHREAD's v5.9): the dying CPU keeps its
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
 *                       Lutomirski's 2022 series, seed 000); false: plain, as in v7.1.5 (TASK-MM-RACE)
 * @param membarrierMix  random programs include membarrier users of PRIVATE_EXPEDITED (registration,
 *                       fast and slow paths)
 * @param membarrierAll  ... and of the other expedited commands: GLOBAL_EXPEDITED, SYNC_CORE, RSEQ
 *                       with cpu_id. {@code upstream} has only the private ones: the others find
 *                       the two bugs of v7.1.5 every time (SYNC-CORE-KTHREAD, GLOBAL-STALE-STATE)
 * @param taskMmRaceKnown the task->mm race of TASK-MM-RACE is a known report, not repeated (the
 *                       membarrier users of {@code upstream}: the race is today's kernel, and
 *                       {@code TASK-MM-RACE} is the variant that reports it)
 * @param x86Switch      the x86 switch_mm_irqs_off of a historical kernel: "order" before
 *                       fea4e317f9e7 (X86-SWITCH-ORDER), "mb" before 83b0177a6c48 (X86-SWITCH-MB),
 *                       or null: today's
 * @param hpNoMb         the hazard RFC without the barrier finish_task_switch's mmdrop gave
 *                       membarrier (HP-NO-MB)
 * @param hpNoSyncCore   the hazard RFC without finish_task_switch's
 *                       membarrier_mm_sync_core_before_usermode() (HP-NO-SYNC-CORE)
 * @param kthreadUseMmSyncCore kthread_use_mm() does membarrier_mm_sync_core_before_usermode(mm)
 *                       (this project's fix); false: v7.1.5, where a kthread that starts using the
 *                       mm it held lazily, then switches to a thread of that process, never
 *                       serializes the core (SYNC-CORE-KTHREAD)
 * @param switchMmSameMm membarrier_switch_mm() refreshes rq->membarrier_state also when prev_mm ==
 *                       next_mm (this project's fix); false: v7.1.5, whose shortcut leaves it stale
 *                       (GLOBAL-STALE-STATE)
 * @param arm64          the arm64 ASID allocator's shape (ARM64-ASID-ZERO) and program mix
 * @param lazyMmu        the lazy MMU mode's users and its backend shape ({@link LazyMmuConfig}), or
 *                       null: no lazy MMU users (CONFIG_ARCH_HAS_LAZY_MMU_MODE paths not run)
 * @param ppcTlb         the powerpc radix TLB flushing of a historical kernel: "trim-kthread" before
 *                       a665eec0a22e (PPC-TRIM-KTHREAD: the mm_cpumask trimming race vs
 *                       kthread_use_mm), or null: today's
 * @param s390           the s390 pgalloc.c version and context.lock discipline ({@link S390Config})
 * @param plant          a bug planted by a test to prove an oracle catches it ({@code plant-*}
 *                       configurations, never in the catalog), or null
 */
record KConfig(LazyTlb lazyTlb, boolean oldHotplug, boolean finishCpuMmdrop, boolean hpLazymmMask, boolean hpWarn,
               boolean preempt, boolean taskMmMarked, boolean membarrierMix, boolean membarrierAll, boolean hpNoMb,
               boolean hpNoSyncCore, boolean kthreadUseMmSyncCore, boolean switchMmSameMm, boolean taskMmRaceKnown,
               String x86Switch, Arm64Switches arm64, LazyMmuConfig lazyMmu, String ppcTlb, S390Config s390,
               String plant) {

    /** The plants in membarrier's paths: they run with membarrier users. */
    private static final List<String> MEMBARRIER_PLANTS = List.of(
            "plant-no-mb-a", "plant-no-mb-c", "plant-no-mb-d", "plant-no-mb-e", "plant-no-mb-e-6.17", "plant-no-mb-g",
            "plant-no-ipi-global", "plant-no-ipi-cpu", "plant-no-ipi-sync-core", "plant-no-sync-core-switch",
            "plant-no-switch-to-dsb");

    /**
     * The bugs tests can plant, each at the line marked {@code // PLANTED: <id>} (membarrier's (a)
     * and (c) at two: membarrier_global_expedited's and membarrier_private_expedited's).
     */
    static final List<String> PLANTS = Stream.of(Stream.of(
            "plant-extra-mmdrop", "plant-missing-mmdrop", "plant-extra-mmput", "plant-no-lazy-grab",
            "plant-no-lazy-catchup", "plant-no-freed-tables-ipi", "plant-ppc-no-tlbie", "plant-ppc-trim-early",
            "plant-ppc-no-switch-mb", "plant-ppc-no-flush-mb", "plant-ptl-in-irq"),
            MEMBARRIER_PLANTS.stream(),
            // arm64: the ASID allocator's rollover flush and reservation, the TLBI's broadcast
            Stream.of("plant-no-asid-flush", "plant-asid-no-reserve", "plant-no-tlbi-broadcast"),
            LazyMmuConfig.PLANTS.stream()).flatMap(x -> x).toList();

    /**
     * The variants with membarrier users. They run today's kernel with the fixes that make
     * membarrier(2) hold (marked task->mm, kthreadUseMmSyncCore, switchMmSameMm), each variant
     * named after a bug taking its fix away; the variants without membarrier users run today's
     * code unchanged.
     */
    private static final List<String> MEMBARRIER_VARIANTS = List.of("membarrier", "TASK-MM-RACE", "SYNC-CORE-KTHREAD",
            "GLOBAL-STALE-STATE", "hazard-membarrier", "hazard-membarrier-x86", "HP-NO-MB", "HP-NO-SYNC-CORE");

    boolean planted(String id) { return id.equals(plant); }

    /**
     * Random programs include zap and munmap, except when a test removes one of membarrier's
     * barriers: a TLB operation would find the TLB bug of plant-no-mb-e-6.17's kernel first.
     */
    boolean tlbOps() { return plant == null || !MEMBARRIER_PLANTS.contains(plant); }

    /** X86-SWITCH-ORDER: loaded_mm = LOADED_MM_SWITCHING after the tlb_gen read (before fea4e317f9e7). */
    boolean x86SwitchingLate() { return "order".equals(x86Switch); }

    /** X86-SWITCH-MB: no smp_mb() when this CPU's mm_cpumask bit is already set (before 83b0177a6c48). */
    boolean x86SwitchNoMb() { return "mb".equals(x86Switch); }

    static KConfig of(String variant, String lazyTlb) {
        boolean up = variant.equals("upstream");
        boolean mb = MEMBARRIER_VARIANTS.contains(variant) || MEMBARRIER_PLANTS.contains(variant);
        // plant-no-mb-e-6.17: (e) removed from the switch_mm_irqs_off of X86-SWITCH-MB (before
        // 83b0177a6c48), where the CR3 write was the only full barrier when the mask bit was set
        boolean old = variant.equals("plant-no-mb-e-6.17");
        return new KConfig(LazyTlb.of(lazyTlb),
                /* oldHotplug */ variant.equals("HP-HOTPLUG") || variant.equals("SHOOT-TRIM") || variant.equals("PPC-TRIM-KTHREAD"),
                /* finishCpuMmdrop */ variant.equals("HP-HOTPLUG"),
                /* hpLazymmMask */ variant.equals("HP-CPUMASK") || variant.equals("HP-X86-TRIM"),
                /* hpWarn */ variant.equals("HP-WARN"),
                /* preempt */ true,
                /* taskMmMarked */ mb && !variant.equals("TASK-MM-RACE"),
                /* membarrierMix */ mb || up,
                /* membarrierAll */ mb,
                /* hpNoMb */ variant.equals("HP-NO-MB"),
                /* hpNoSyncCore */ variant.equals("HP-NO-SYNC-CORE"),
                /* kthreadUseMmSyncCore */ mb && !variant.equals("SYNC-CORE-KTHREAD"),
                /* switchMmSameMm */ mb && !variant.equals("GLOBAL-STALE-STATE"),
                /* taskMmRaceKnown */ up,
                /* x86Switch */ variant.equals("X86-SWITCH-ORDER") ? "order" : variant.equals("X86-SWITCH-MB") || old ? "mb" : null,
                Arm64Switches.of(variant),
                /* lazyMmu */ LazyMmuConfig.of(variant),
                /* ppcTlb */ variant.equals("PPC-TRIM-KTHREAD") ? "trim-kthread" : null,
                /* s390 */ S390Config.of(variant),
                old ? "plant-no-mb-e" : PLANTS.contains(variant) ? variant : null);
    }
}
