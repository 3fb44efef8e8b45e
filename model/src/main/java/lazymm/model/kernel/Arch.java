package lazymm.model.kernel;

/**
 * The hooks the core mm and scheduler code calls into the architecture (asm/mmu_context.h and
 * friends): what each architecture does to its MMU state and to mm_cpumask when a CPU switches
 * mm or goes lazy. This first version has the mm_cpumask behaviour of x86, arm64 and powerpc
 * (what the lazy-TLB schemes depend on); the TLB state and flush paths come with the x86 and
 * arm64/powerpc/s390 models.
 */
abstract class Arch {

    final Kernel k;

    Arch(Kernel k) { this.k = k; }

    abstract String name();

    /** enter_lazy_tlb(mm, tsk): the CPU keeps mm loaded but will not return to user space on it. */
    void enterLazyTlb(MmStruct mm, TaskStruct tsk) {}

    /** switch_mm_irqs_off(prev, next, tsk): load next's page tables on this CPU (IRQs off). */
    abstract void switchMmIrqsOff(MmStruct prev, MmStruct next, TaskStruct tsk);

    /** switch_mm(prev, next, tsk): the same with IRQs saved and disabled around it. */
    final void switchMm(MmStruct prev, MmStruct next, TaskStruct tsk) {
        boolean was = k.localIrqSave();
        switchMmIrqsOff(prev, next, tsk);
        k.localIrqRestore(was);
    }

    /**
     * IS_ENABLED(CONFIG_ARCH_HAS_SYNC_CORE_BEFORE_USERMODE) (x86): the return to user space does
     * not always serialize the core, so membarrier SYNC_CORE needs sync_core_before_usermode().
     * Elsewhere it is an exception return, which does.
     */
    boolean hasSyncCoreBeforeUsermode() { return false; }

    /**
     * sync_core_before_usermode(): the dummy of include/linux/sync_core.h, "for all architectures
     * which return to user-space through core serializing instructions".
     */
    void syncCoreBeforeUsermode() {}

    /**
     * An exception return (x86 IRET, arm64 ERET, powerpc rfid): the end of an interrupt, and the
     * first return of a new task to user space. It serializes the core: "ARCH_HAS_MEMBARRIER_SYNC_CORE
     * rely on IRET core serialization when returning from IPI handler" (entry_64.S).
     */
    void exceptionReturn() { k.membarrier.coreSerialized(); }

    /** finish_arch_post_lock_switch(): s390 flushes here; the others have none. */
    void finishArchPostLockSwitch() {}

    /**
     * for_each_possible_lazymm_cpu(cpu, mm) of the hazard-pointer RFC: true when this arch
     * overrides it with mm_cpumask(mm) (x86), false for the default (online CPUs).
     */
    abstract boolean lazymmCpusInMmCpumask();

    /** __cpu_disable()'s mm part, run on the dying CPU in stop_machine (take_cpu_down). */
    void cpuDisableMm(int cpu) {}

    /** The arch for a configuration. */
    static Arch of(Kernel k, String arch) {
        return switch (arch) {
            case "x86" -> new ArchX86(k);
            case "arm64" -> new ArchArm64(k);
            case "powerpc" -> new ArchPowerpc(k);
            default -> throw new IllegalArgumentException("unknown arch '" + arch + "' (expected x86, arm64 or powerpc)");
        };
    }
}
