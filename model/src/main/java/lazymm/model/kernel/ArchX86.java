package lazymm.model.kernel;

/**
 * x86 (arch/x86/mm/tlb.c, v7.1.5), the mm_cpumask part: switch_mm_irqs_off sets this CPU in the
 * next mm's mask when it is missing and never clears the previous one (209954cbc7d0, "Update
 * mm_cpumask lazily"; only flush IPIs trim it), so the mask holds every CPU that may be lazily
 * using the mm, which is why the hazard-pointer RFC iterates it on x86. The CR3 write is
 * serializing: a full barrier and a core serialization (the ones membarrier relies on when the mm
 * changes). And what membarrier SYNC_CORE relies on besides: IRET (arch/x86/entry/entry_64.S)
 * and sync_core_before_usermode() (arch/x86/include/asm/sync_core.h).
 */
final class ArchX86 extends Arch {

    ArchX86(Kernel k) { super(k); }

    @Override String name() { return "x86"; }

    @Override
    void switchMmIrqsOff(MmStruct prev, MmStruct next, TaskStruct tsk) {
        Rq rq = k.thisRq();
        if (rq.hwMm == next) return;  // prev == next: only the lazy TLB catch-up, not modelled here
        int bit = 1 << rq.cpu;
        if ((k.mem.readOnce(next.cpumask) & bit) == 0) {
            k.mem.atomicOr(bit, next.cpumask);  // cpumask_set_cpu(): a locked or
        }
        if (!k.kc.planted("plant-no-mb-e")) k.mem.smpMb();  // the CR3 write is serializing: membarrier's (e); pairs with: membarrier's smp_mb() (a); PLANTED: plant-no-mb-e
        rq.hwMm = next;  // CR3 write
        k.membarrier.coreSerialized();  // the CR3 write serializes the core: membarrier SYNC_CORE after changing mm
    }

    /** IRET is serializing: it also drains the store buffer. */
    @Override
    void exceptionReturn() {
        k.mem.smpMb();  // IRET, serializing
        k.membarrier.coreSerialized();
    }

    @Override boolean hasSyncCoreBeforeUsermode() { return true; }

    /**
     * sync_core_before_usermode(): "x86 implements return to user-space through sysexit, sysrel,
     * and sysretq, which are not core serializing", so sync_core() (SERIALIZE, or IRET to self):
     * serializing, so also a full barrier. The model is without PTI (with it, the return to user
     * space writes CR3 and this returns at once).
     */
    @Override
    void syncCoreBeforeUsermode() {
        k.mem.smpMb();  // sync_core() drains the store buffer as every serializing instruction does
        k.membarrier.coreSerialized();
    }

    @Override boolean lazymmCpusInMmCpumask() { return true; }
}
