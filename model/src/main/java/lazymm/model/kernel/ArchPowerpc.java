package lazymm.model.kernel;

/**
 * powerpc book3s64 radix (arch/powerpc/mm/mmu_context.c, v7.1.5), the mm_cpumask part:
 * switch_mm_irqs_off sets this CPU in next's mask (and active_cpus) with an smp_mb() after it
 * when it is new; CPU offline's __cpu_disable clears the dying CPU from every live mm's mask
 * (cleanup_cpu_mmu_context -> clear_tasks_mm_cpumask), whether or not the CPU is still lazily
 * using one (SHOOT-TRIM before v6.14).
 */
final class ArchPowerpc extends Arch {

    ArchPowerpc(Kernel k) { super(k); }

    @Override String name() { return "powerpc"; }

    @Override
    void switchMmIrqsOff(MmStruct prev, MmStruct next, TaskStruct tsk) {
        Rq rq = k.thisRq();
        int bit = 1 << rq.cpu;
        boolean newOnCpu = false;
        /* Mark this context has been used on the new CPU */
        if ((k.mem.readOnce(next.cpumask) & bit) == 0) {
            k.mem.atomicOr(bit, next.cpumask);  // inc_mm_active_cpus(); cpumask_set_cpu()
            k.mem.smpMb();  // pairs with: the smp_mb() of radix flushes between the PTE clear and the mask read
            newOnCpu = true;
        }
        /* Nothing else to do if we aren't actually switching */
        if (prev == next) return;
        if (!newOnCpu) membarrierArchSwitchMm(prev, next);
        rq.hwMm = next;  // switch_mmu_context(): the PID register
    }

    /**
     * membarrier_arch_switch_mm() (arch/powerpc/include/asm/membarrier.h): only need the full
     * barrier when switching between processes. Barrier when switching from kernel to userspace
     * is not required here, given that it is implied by mmdrop() (the barrier HP-NO-MB removes).
     */
    private void membarrierArchSwitchMm(MmStruct prev, MmStruct next) {
        int state = k.mem.atomicRead(next.membarrierState);
        if ((state & (Membarrier.MEMBARRIER_STATE_PRIVATE_EXPEDITED | Membarrier.MEMBARRIER_STATE_GLOBAL_EXPEDITED)) == 0 || prev == null) return;
        /*
         * The membarrier system call requires a full memory barrier
         * after storing to rq->curr, before going back to user-space.
         */
        k.mem.smpMb();  // membarrier (e); pairs with: membarrier's smp_mb() (a)
    }


    /**
     * clear_tasks_mm_cpumask(cpu) (kernel/cpu.c): for every mm that a live task still has as
     * ->mm, clear this CPU's bit. It does not look at who is lazily using an mm.
     */
    @Override
    void cpuDisableMm(int cpu) {
        int bit = 1 << cpu;
        for (MmStruct mm : k.liveMms()) {
            if ((k.mem.readOnce(mm.cpumask) & bit) != 0) {
                k.mem.atomicAndnot(bit, mm.cpumask);  // dec_mm_active_cpus(); cpumask_clear_cpu()
            }
        }
    }
}
