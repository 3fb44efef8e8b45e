package lazymm.model.kernel;

import java.util.List;

/**
 * The hooks the core mm and scheduler code calls into the architecture (asm/mmu_context.h and
 * friends): what each architecture does to its MMU state and to mm_cpumask when a CPU switches
 * mm or goes lazy, and how it flushes TLBs. x86 has its whole TLB model (cpu_tlbstate, the
 * generations, the flush IPIs, a TLB per CPU), and so has powerpc radix (active_cpus, the
 * mm_cpumask trimming, tlbie / tlbiel, a TLB per CPU tagged by PID); arm64 has its mm_cpumask
 * behaviour (what the lazy-TLB schemes depend on) and, until its own TLB model, an ideal MMU: a
 * user access reads the newest page tables, nothing is cached, so nothing can be stale.
 */
@KernelFile("include/linux/pgtable.h")
abstract class Arch {

    /** TLB_FLUSH_ALL: the end of a flush of the whole address space. */
    static final long TLB_FLUSH_ALL = -1L;

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
    void exceptionReturn() { k.membarrierUser.coreSerialized(); }

    /**
     * switch_to()'s arch part (__switch_to), after switch_mm and before the new task's stack:
     * arm64's dsb(ish); nothing the model needs on the others.
     */
    void switchTo(TaskStruct prev, TaskStruct next) {}

    /** cpuidle_enter_state() of an idle state with CPUIDLE_FLAG_TLB_FLUSHED: x86's leave_mm() (IRQs off). */
    void cpuidleEnterTlbFlushed() {}

    /** destroy_context(mm), from __mmdrop: the arch's part of freeing an mm (x86 with INVLPGB: its global ASID). */
    void destroyContext(MmStruct mm) {}

    /** The arch's oracles after every step (arm64: the ASID allocator's invariant). */
    void checkStep() {}

    /** finish_arch_post_lock_switch(): s390 flushes here; the others have none. */
    void finishArchPostLockSwitch() {}

    /** __cpu_disable()'s mm part, run on the dying CPU in stop_machine (take_cpu_down). */
    void cpuDisableMm(int cpu) {}

    /** Makes CPU {@code cpu}'s arch state at boot (no memory accesses: the kernel is being built). */
    void boot(int cpu) {}

    /** The CPU's online: the idle task's MMU state on init_mm (x86: cpu_init()'s initialize_tlbstate_and_flush()). */
    void cpuInitMm(TaskStruct idle) { switchMmIrqsOff(null, k.initMm, idle); }

    /**
     * The hardware translation of user page {@code va} for an access by this CPU, whose loaded
     * page tables are {@code mm}'s; null on a page fault. The ideal MMU: the newest PTE in memory.
     */
    UserPage translate(MmStruct mm, int va) {
        Pgtable t = k.mem.peekLatest(mm.pmd);
        int pfn = t == null ? 0 : (int) k.mem.peekLatest(t.pte[va]);
        return pfn == 0 ? null : k.page(pfn);
    }

    /** After a user access through {@code p}: the translation it used must not have been flushed meanwhile. */
    void checkUsed(UserPage p, int va) {}

    /** A speculative page walk of a CPU in lazy TLB mode (nothing to walk on an ideal MMU). */
    void speculativeWalk(int va) {}

    /**
     * flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables): after it returns, no CPU
     * uses a translation of {@code mm} in the range that was removed before the call. Returns a
     * description of the flush for reports. The ideal MMU caches nothing: nothing to do.
     */
    String flushTlbMmRange(MmStruct mm, long start, long end, boolean freedTables) {
        return "flush_tlb_mm_range(" + mm + ") on cpu" + k.smpProcessorId();
    }

    /**
     * ptep_get_and_clear() of a zap (ptep_get_and_clear_full() with {@code full}, exit_mmap's):
     * returns the old PTE. x86: an xchg.
     */
    int ptepGetAndClear(MmStruct mm, Pgtable t, int va, boolean full) { return k.mem.xchg(t.pte[va], 0); }

    /** pte_alloc_one(mm): a new PTE table (a page of its own, except on s390 before 6.8). */
    Pgtable pteAllocOne(MmStruct mm) {
        return new Pgtable(k.mem, "pgtable#" + k.nextPgtable++ + "(" + mm + ")", mm);
    }

    /** pte_free(mm, table): freed at once (no walker can see it: it was never installed, or a grace period passed). */
    void pteFree(MmStruct mm, Pgtable t) {}

    /** pte_free_tlb(tlb, table, addr) in free_pgtables, before the flush; tlb_remove_table() queues it. */
    void pteFreeTlb(MmStruct mm, Pgtable t) {}

    /** The frees queued by pte_free_tlb, after tlb_finish_mmu's flush (tlb_table_flush). */
    void tlbTableFlush(MmStruct mm, List<Pgtable> tables) {}

    /** pte_free_defer(mm, table): free after an RCU grace period (khugepaged's retract). */
    void pteFreeDefer(MmStruct mm, Pgtable t) {}

    /** Programs may use a second PTE table per mm (map2, unmap2, retract): the s390 fragment model. */
    boolean secondTable() { return false; }

    /** Checks at the end of the program (the arch's own leaks). */
    void checkFinal() {}

    /** The arch for a configuration. */
    static Arch of(Kernel k, String arch) {
        return switch (KernelVariant.CpuArch.of(arch)) {
            case X86 -> new ArchX86(k);
            case ARM64 -> new ArchArm64(k);
            case POWERPC -> new ArchPowerpc(k);
            case S390 -> new ArchS390(k);
        };
    }
}
