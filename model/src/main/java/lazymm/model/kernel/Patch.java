package lazymm.model.kernel;

/**
 * Every change to the kernel that the model can run with or without: a commit merged upstream
 * (with the first release that has it), a posting to the lists that was never merged, a fix this
 * project proposes, or a bug a test plants to prove an oracle catches it.
 *
 * <p>The model asks {@link KConfig#has(Patch)} at the lines the patch changes, and each of those
 * lines carries the marker {@code // PATCH: <id>}: hold the patch's hunk next to the marked
 * lines and they map one to one. {@code PatchMarkersTest} reads the sources and checks that every
 * patch has its marked lines and that every marker names a patch declared here.
 *
 * <p>A merged patch is in every variant whose base release has it, unless the variant reverts it;
 * the other kinds are in a variant only when it applies them ({@link KernelVariant}).
 */
public enum Patch {

    // ---- merged upstream: in every base from its release on ----

    /** The CPU-offline path that X86, arm64 and powerpc have had since v6.14: sched_force_init_mm(). */
    SCHED_FORCE_INIT_MM(Kind.MERGED, "21641bd9a7a7", "v6.14",
            "lazy tlb: fix hotplug exit race with MMU_LAZY_TLB_SHOOTDOWN"),
    /** finish_cpu() and the lazy paths drop through mmdrop_lazy_tlb(), not mmdrop(). */
    LAZY_TLB_HELPERS(Kind.MERGED, "aa464ba9a1e4", "v6.4",
            "lazy tlb: introduce lazy tlb mm refcount helper functions"),
    /** cpu_down_maps_locked() runs _cpu_down() in a kworker bound to another online CPU (work_on_cpu). */
    HOTPLUG_WORK_ON_CPU(Kind.MERGED, "2b8272ff4a70", "v6.6",
            "cpu/hotplug: Prevent self deadlock on CPU hot-unplug"),
    /** ... and back in the caller's task (Frederic Weisbecker's housekeeping series). */
    HOTPLUG_WORK_ON_CPU_REVERT(Kind.MERGED, "de715325cc47", "v7.0",
            "cpu: Revert \"cpu/hotplug: Prevent self deadlock on CPU hot-unplug\"", HOTPLUG_WORK_ON_CPU),
    /** x86 switch_mm_irqs_off(): loaded_mm = LOADED_MM_SWITCHING before the tlb_gen read (CVE-2025-37964). */
    X86_SWITCHING_FIRST(Kind.MERGED, "fea4e317f9e7", "v6.15",
            "x86/mm: Eliminate window where TLB flushes may be inadvertently skipped"),
    /** x86 switch_mm_irqs_off(): an smp_mb() when the mm_cpumask bit is already set (CVE-2025-40174). */
    X86_SWITCH_MB(Kind.MERGED, "83b0177a6c48", "v6.18",
            "x86/mm: Fix SMP ordering in switch_mm_irqs_off()", X86_SWITCHING_FIRST),
    /** arm64 check_and_switch_context(): the fast path's cmpxchg_relaxed keeps a rollover's 0. */
    ARM64_ASID_CMPXCHG(Kind.MERGED, "a8ffaaa060b8", "v4.16",
            "arm64: asid: Do not replace active_asids if already 0"),
    /** powerpc radix: the single-threaded flush's mm_cpumask trim is safe against kthread_use_mm(). */
    PPC_TRIM_KTHREAD(Kind.MERGED, "a665eec0a22e", "v5.10",
            "powerpc/64s/radix: Fix mm_cpumask trimming race vs kthread_use_mm"),
    /** s390 page_table_free(): the temporary P bit that keeps __tlb_remove_table off a listed page. */
    S390_TEMP_P(Kind.MERGED, "c2c224932fd0", "v5.17",
            "s390/mm: fix 2KB pgtable release race"),
    /** s390 pte_free_defer(): PG_active and the whole page freed by RCU once both halves are free. */
    S390_PTE_FREE_DEFER(Kind.MERGED, "8211dad62798", "v6.6",
            "s390: add pte_free_defer() for pgtables sharing page"),
    /** s390: a full 4K page per PTE table, no fragments. */
    S390_FULL_PAGE_PTE(Kind.MERGED, "d08d4e7cd6bf", "v6.7",
            "s390/mm: use full 4KB page for 2KB PTE", S390_PTE_FREE_DEFER),
    /** The generic lazy MMU layer nests: task_struct.lazy_mmu_state {enable_count, pause_count} (seed 004). */
    LAZY_MMU_NEST(Kind.MERGED, "5ab246749569", "v7.0",
            "mm: enable lazy_mmu sections to nest"),
    /** Xen PV's context-switch hooks driven by __task_lazy_mmu_mode_active() (seed 004). */
    XEN_LAZY_MMU_STATE(Kind.MERGED, "291b3abed657", "v7.0",
            "x86/xen: use lazy_mmu_state when context-switching", LAZY_MMU_NEST),
    /** xen_enter_lazy_mmu() / xen_leave_lazy_mmu() tolerate a second enter and a leave without enter. */
    XEN_LAZY_MMU_PREEMPT_FIX(Kind.MERGED, "4594437880ce", "v7.1",
            "x86/xen: Tolerate nested XEN_LAZY_MMU entering/leaving", XEN_LAZY_MMU_STATE),

    // ---- merged upstream, reverted one at a time by the mutation benchmark (Variants.MUTANTS) ----

    /** kthread_use_mm() / kthread_unuse_mm() switch mm with IRQs off, so a TLB IPI sees ->active_mm and the MMU agree. */
    KTHREAD_USE_MM_IRQS_OFF(Kind.MERGED, "38cf307c1f20", "v5.9",
            "mm: fix kthread_use_mm() vs TLB invalidate"),
    /** exec_mmap() reads ->active_mm, sets ->active_mm and ->mm and activates the new mm with IRQs off. */
    EXEC_MMAP_IRQS_OFF(Kind.MERGED, "d53c3dfb23c4", "v5.10",
            "mm: fix exec activate_mm vs TLB shootdown and lazy tlb switching race"),
    /** x86 flush_tlb_func(): the initiating CPU also leaves the mm_cpumask of an mm it no longer has loaded. */
    X86_TLB_LOCAL_STALE(Kind.MERGED, "953753db887f", "v6.14",
            "x86/mm/tlb: Also remove local CPU from mm_cpumask if stale"),
    /** powerpc radix exit_lazy_flush_tlb(): the switch of a lazy kthread to init_mm with IRQs off. */
    PPC_EXIT_LAZY_IRQS_OFF(Kind.MERGED, "dfaed3e1fa70", "v6.4",
            "powerpc/64s/radix: Fix exit lazy tlb mm switch with irqs enabled"),
    /** powerpc hash arch_enter_lazy_mmu_mode(): preemption off until arch_leave_lazy_mmu_mode(). */
    PPC_HASH_LAZY_MMU_PREEMPT(Kind.MERGED, "b9ef323ea168", "v6.1",
            "powerpc/64s: Disable preemption in hash lazy mmu mode"),
    /** sparc64 arch_enter_lazy_mmu_mode(): preemption off until arch_leave_lazy_mmu_mode(). */
    SPARC_LAZY_MMU_PREEMPT(Kind.MERGED, "a1d416bf9faf", "v6.15",
            "sparc/mm: disable preemption in lazy mmu mode"),

    // ---- merged architecture / TLB fixes, reverted one at a time by the mutation benchmark (Variants.MUTANTS) ----

    /** tlb_remove_table(): no early free when mm_users < 2; every table waits for the gather's flush. */
    TLB_REMOVE_TABLE_CONCURRENT(Kind.MERGED, "a6f572084fbe", "v4.19",
            "mm/tlb: Remove tlb_remove_table() non-concurrent condition"),
    /**
     * tlb_gather_mmu() / tlb_finish_mmu(): mm->tlb_flush_pending counts the gathers under way;
     * a gather that finishes while another is under way (mm_tlb_flush_nested()) flushes by force.
     */
    TLB_FLUSH_PENDING_GATHER(Kind.MERGED, "99baac21e458", "v4.13",
            "mm: fix MADV_[FREE|DONTNEED] TLB flush miss problem"),
    /** tlb_finish_mmu()'s forced flush: fullmm with freed_tables set, not the reset range (which cleared freed_tables). */
    TLB_NESTED_FULLMM(Kind.MERGED, "7a30df49f63a", "v5.2",
            "mm: mmu_gather: remove __tlb_reset_range() for force flush"),
    /** powerpc 64s __cpu_disable(): cleanup_cpu_mmu_context() clears the CPU from every mm_cpumask and flushes its TLB. */
    PPC_OFFLINE_TRIM(Kind.MERGED, "01b0f0eae081", "v5.11",
            "powerpc/64s: Trim offlined CPUs from mm_cpumasks"),

    // ---- merged lazy-TLB fixes, reverted one at a time by the mutation benchmark (Variants.MUTANTS) ----

    /**
     * fea4e317f9e7, the should_flush_tlb() hunk (its fix of CVE-2025-37964, per its commit message):
     * a CPU whose loaded_mm is LOADED_MM_SWITCHING gets the flush IPI; loaded_mm is read before
     * is_lazy, with an smp_rmb() between. (Its switch_mm_irqs_off() hunk is a comment.)
     */
    X86_SHOULD_FLUSH_SWITCHING(Kind.MERGED, "fea4e317f9e7-b", "v6.15",
            "x86/mm: Eliminate window where TLB flushes may be inadvertently skipped"),

    // ---- merged membarrier fixes, reverted one at a time by the mutation benchmark (Variants.MUTANTS) ----
    // A commit whose hunks give two mutants is declared as two patches, one per part (ids
    // <commit>-a / -b), so that each mutant reverts one part.

    /**
     * 227a4aadc75b, the membarrier_global_expedited() hunk: the scan tests the runqueue's copy
     * rq->membarrier_state instead of loading p->mm->membarrier_state from another CPU's current
     * task, whose mm RCU does not keep alive.
     */
    /**
     * membarrier_private_expedited(): no rcu_read_lock() inside the scan of rq->curr. Merging
     * 227a4aadc75b moved the RCU section out of the loop but left one rcu_read_lock() in it
     * (v5.4-rc1 only): each call leaked a read-side section per CPU scanned.
     */
    MEMBARRIER_RCU_MERGE(Kind.MERGED, "73956fc07dd7", "v5.4",
            "membarrier: Fix RCU locking bug caused by faulty merge"),
    MEMBARRIER_RQ_STATE_SCAN(Kind.MERGED, "227a4aadc75b-a", "v5.4",
            "sched/membarrier: Fix p->mm->membarrier_state racy load"),
    /** 227a4aadc75b, the membarrier_exec_mmap() hunk: smp_mb() before exec clears the membarrier state. */
    MEMBARRIER_EXEC_MMAP_MB(Kind.MERGED, "227a4aadc75b-b", "v5.4",
            "sched/membarrier: Fix p->mm->membarrier_state racy load"),
    /** membarrier(SYNC_CORE) also serializes the calling CPU (no single-user shortcut, no self-skip). */
    MEMBARRIER_SYNC_CORE_SELF(Kind.MERGED, "e45cdc71d1fa", "v5.10",
            "membarrier: Execute SYNC_CORE on the calling thread"),
    /** ipi_rseq(): an smp_mb() before rseq_preempt(). */
    MEMBARRIER_RSEQ_MB(Kind.MERGED, "2ecedd756908", "v5.10",
            "membarrier: Add an actual barrier before rseq_preempt()"),
    /** exit_mm(): smp_mb__after_spinlock() (with interrupts off and the rq state update) before current->mm = NULL. */
    MEMBARRIER_EXIT_MM(Kind.MERGED, "5bc78502322a", "v5.11",
            "sched: fix exit_mm vs membarrier (v4)"),
    /**
     * 618758ed3a4f, the GLOBAL half: membarrier_global_expedited() skips a CPU whose current task
     * has no mm (not every kthread), and kthread_use_mm() / kthread_unuse_mm() keep
     * rq->membarrier_state up to date.
     */
    MEMBARRIER_KTHREAD_GLOBAL(Kind.MERGED, "618758ed3a4f-a", "v5.11",
            "sched: membarrier: cover kthread_use_mm (v4)"),
    /** 618758ed3a4f, the barrier half: smp_mb__after_spinlock() in kthread_unuse_mm() before tsk->mm = NULL. */
    MEMBARRIER_KTHREAD_UNUSE_MB(Kind.MERGED, "618758ed3a4f-b", "v5.11",
            "sched: membarrier: cover kthread_use_mm (v4)"),
    /** sync_runqueues_membarrier_state(): on_each_cpu_mask(), which runs ipi_sync_rq_state() on this CPU too. */
    MEMBARRIER_SYNC_RQ_LOCAL(Kind.MERGED, "ce29ddc47b91", "v5.12",
            "sched/membarrier: fix missing local execution of ipi_sync_rq_state()"),

    // ---- postings: in a variant only when it applies them ----

    /** Seed 000: task->mm written with WRITE_ONCE and read remotely with READ_ONCE. */
    TASK_MM_ONCE(Kind.POSTING, "luto-task-mm-once", null,
            "Andy Lutomirski, \"mm, sched: Rework lazy mm handling\" (Jan 2022, seed 000): task->mm as WRITE_ONCE / READ_ONCE"),
    /** Seed 003: for_each_possible_lazymm_cpu() iterates mm_cpumask(mm), as the RFC made x86 do. */
    HP_LAZYMM_CPUMASK(Kind.POSTING, "hp-lazymm-cpumask", null,
            "Andy Lutomirski, \"sched: Use lightweight hazard pointers to grab lazy mms\" (June 2021, seed 003): x86's for_each_possible_lazymm_cpu over mm_cpumask"),
    /** Seed 003: Peter Zijlstra's WARN_ON_ONCE(!old_mm) in mmdrop_lazy(). */
    HP_WARN(Kind.POSTING, "hp-warn", null,
            "Peter Zijlstra, review of seed 003: WARN_ON_ONCE in mmdrop_lazy() when the xchg finds drop_mm NULL"),
    /** Seed 003: finish_task_switch() loses the smp_mb() that its mmdrop gave membarrier. */
    HP_NO_FINISH_MB(Kind.POSTING, "hp-no-finish-mb", null,
            "seed 003's finish_task_switch() hunk: the mmdrop goes, and with it membarrier's barrier after rq->curr"),
    /** Seed 003: finish_task_switch() loses membarrier_mm_sync_core_before_usermode(). */
    HP_NO_SYNC_CORE(Kind.POSTING, "hp-no-sync-core", null,
            "seed 003's finish_task_switch() hunk: membarrier_mm_sync_core_before_usermode() goes with the mmdrop"),
    /**
     * Mathieu Desnoyers' RFC v2 4/4 on v6.11.1, with the hazard-pointer API of its 3/4 ({@link Hazptr}):
     * lazy mms tracked by one hazard-pointer slot per CPU instead of MMU_LAZY_TLB_REFCOUNT/SHOOTDOWN.
     */
    HPREF_LAZY_MM(Kind.POSTING, "hpref-lazy-mm", null,
            "Mathieu Desnoyers, \"sched+mm: Use hazard pointers to track lazy active mm existence\" (RFC v2 4/4 with 3/4 \"hp: Implement Hazard Pointers\", Oct 2024)"),
    /**
     * The same RFC's v3 (Oct 8, 2024): this_cpu_write() for the slot clears (the 0-day robot's
     * report on v2), and hazptr_scan() asserts a preemptible context and, given a callback, no
     * longer waits for the slot.
     */
    HPREF_LAZY_MM_V3(Kind.POSTING, "hpref-lazy-mm-v3", null,
            "Mathieu Desnoyers, \"sched+mm: Use hazard pointers to track lazy active mm existence\" (RFC v3 4/4 with 3/4 \"hazptr: Implement Hazard Pointers\", Oct 2024)",
            HPREF_LAZY_MM),
    /** Seed 002: Hugh Dickins' s390 pte_free_defer() on the 2K fragments (v2). */
    HUGH_S390_PTE_FREE_DEFER(Kind.POSTING, "hugh-s390-pte-free-defer", null,
            "Hugh Dickins, \"s390: add pte_free_defer() for pgtables sharing page\" v2 (June 2023, seed 002)"),
    /** Seed 002: page_table_alloc() hands out a half whatever its P bit says (the hunk Gerald Schaefer questions). */
    HUGH_S390_ALLOC_IGNORES_P(Kind.POSTING, "hugh-s390-alloc-no-p", null,
            "Hugh Dickins' seed-002 hunk of page_table_alloc(): the P bits no longer keep a half off the list"),
    /** Seed 002: every user of mm->context.lock takes it with spin_lock_bh. */
    GERALD_S390_BH_LOCK(Kind.POSTING, "gerald-s390-bh-lock", null,
            "Gerald Schaefer, seed 002: mm->context.lock taken with spin_lock_bh everywhere"),

    /**
     * Rik van Riel's fix from the RAR work: flush_tlb_func() tests is_lazy before the global-ASID
     * transition, so a flush IPI no longer moves a lazy (idle) CPU to the global ASID and clears
     * is_lazy under cpuidle's leave_mm(). Not in the tree read (see X86Invlpgb).
     */
    RIEL_FLUSH_FUNC_LAZY_FIRST(Kind.POSTING, "riel-flush-func-lazy-first", null,
            "Rik van Riel, \"x86/mm: fix race between flush_tlb_func and idle task leave_mm\" (May 2025, Fixes: 4afeb0ed1753, Cc stable): the is_lazy test before the global ASID test in flush_tlb_func()"),

    // ---- fixes this project proposes ----

    /** kthread_use_mm() serializes the core for membarrier SYNC_CORE (SYNC-CORE-KTHREAD's fix). */
    KTHREAD_USE_MM_SYNC_CORE(Kind.LAZYMM_FIX, "lazymm-kthread-sync-core", null,
            "kthread_use_mm(): membarrier_mm_sync_core_before_usermode(mm) (lazymm, SYNC-CORE-KTHREAD)"),
    /** membarrier_switch_mm() refreshes rq->membarrier_state when prev_mm == next_mm (GLOBAL-STALE-STATE's fix). */
    MEMBARRIER_SWITCH_SAME_MM(Kind.LAZYMM_FIX, "lazymm-membarrier-same-mm", null,
            "membarrier_switch_mm(): refresh rq->membarrier_state also when prev_mm == next_mm (lazymm, GLOBAL-STALE-STATE)"),

    // ---- bugs planted by tests (each one line) ----

    PLANT_EXTRA_MMDROP(Kind.PLANT, "plant-extra-mmdrop", null, "kthread_unuse_mm() mmdrop()s twice"),
    PLANT_MISSING_MMDROP(Kind.PLANT, "plant-missing-mmdrop", null, "kthread_unuse_mm() does not mmdrop()"),
    PLANT_EXTRA_MMPUT(Kind.PLANT, "plant-extra-mmput", null, "a second mmput() of a task's mm"),
    PLANT_NO_LAZY_GRAB(Kind.PLANT, "plant-no-lazy-grab", null, "context_switch(): user->kernel without mmgrab_lazy_tlb()"),
    PLANT_NO_LAZY_CATCHUP(Kind.PLANT, "plant-no-lazy-catchup", null, "x86: a lazy CPU comes back without comparing TLB generations"),
    PLANT_NO_FREED_TABLES_IPI(Kind.PLANT, "plant-no-freed-tables-ipi", null, "x86: lazy CPUs skipped even when page tables are freed"),
    PLANT_PTL_IN_IRQ(Kind.PLANT, "plant-ptl-in-irq", null, "x86: the flush IPI handler takes the mm's page-table lock"),
    PLANT_PPC_NO_TLBIE(Kind.PLANT, "plant-ppc-no-tlbie", null, "powerpc: a GLOBAL flush done as a tlbiel, this CPU only"),
    PLANT_PPC_TRIM_EARLY(Kind.PLANT, "plant-ppc-trim-early", null, "powerpc: the mm_cpumask bit goes while the CPU stays lazily on the mm"),
    PLANT_PPC_NO_SWITCH_MB(Kind.PLANT, "plant-ppc-no-switch-mb", null, "powerpc: no smp_mb() in switch_mm_irqs_off() after cpumask_set_cpu"),
    PLANT_PPC_NO_FLUSH_MB(Kind.PLANT, "plant-ppc-no-flush-mb", null, "powerpc: no smp_mb() between the PTE clear and flush_type_needed()"),
    PLANT_NO_MB_A(Kind.PLANT, "plant-no-mb-a", null, "membarrier: no smp_mb() at system call entry (barrier (a))"),
    PLANT_NO_MB_C(Kind.PLANT, "plant-no-mb-c", null, "membarrier: no smp_mb() at system call exit (barrier (c))"),
    PLANT_NO_MB_D(Kind.PLANT, "plant-no-mb-d", null, "__schedule(): no smp_mb__after_spinlock() (membarrier's barrier (d))"),
    PLANT_NO_MB_E(Kind.PLANT, "plant-no-mb-e", null, "x86 switch_mm_irqs_off(): the CR3 write's barrier (membarrier's (e)) removed"),
    PLANT_NO_MB_G(Kind.PLANT, "plant-no-mb-g", null, "kthread_use_mm(): no mmdrop_lazy_tlb() barrier (membarrier's (g))"),
    PLANT_NO_MB_UNUSE(Kind.PLANT, "plant-no-mb-unuse", null, "kthread_unuse_mm(): no smp_mb__after_spinlock() before tsk->mm = NULL (membarrier's (d) of scenario E)"),
    PLANT_NO_MB_EXIT(Kind.PLANT, "plant-no-mb-exit", null, "exit_mm(): no smp_mb__after_spinlock() before current->mm = NULL (membarrier's (d) of scenario D)"),
    PLANT_NO_IPI_GLOBAL(Kind.PLANT, "plant-no-ipi-global", null, "membarrier_global_expedited() sends no IPI"),
    PLANT_NO_IPI_CPU(Kind.PLANT, "plant-no-ipi-cpu", null, "membarrier_private_expedited(cpu_id) sends no IPI"),
    PLANT_NO_IPI_SYNC_CORE(Kind.PLANT, "plant-no-ipi-sync-core", null, "membarrier SYNC_CORE sends no IPI"),
    PLANT_NO_SYNC_CORE_SWITCH(Kind.PLANT, "plant-no-sync-core-switch", null, "finish_task_switch(): no membarrier_mm_sync_core_before_usermode()"),
    PLANT_NO_SWITCH_TO_DSB(Kind.PLANT, "plant-no-switch-to-dsb", null, "arm64 __switch_to(): no dsb(ish)"),
    PLANT_NO_ASID_FLUSH(Kind.PLANT, "plant-no-asid-flush", null, "arm64: a rollover without the local TLB flush"),
    PLANT_ASID_NO_RESERVE(Kind.PLANT, "plant-asid-no-reserve", null, "arm64 flush_context(): an active ASID not reserved"),
    PLANT_NO_TLBI_BROADCAST(Kind.PLANT, "plant-no-tlbi-broadcast", null, "arm64: the TLBI reaches this CPU only"),
    PLANT_INVLPGB_NO_TLBSYNC(Kind.PLANT, "plant-invlpgb-no-tlbsync", null, "x86 broadcast_tlb_flush(): no __tlbsync() after the INVLPGBs"),
    PLANT_GLOBAL_ASID_FREE_NOW(Kind.PLANT, "plant-global-asid-free-now", null, "x86 mm_free_global_asid(): the ASID's bit cleared in global_asid_used at once, reusable before the rollover's flush"),
    PLANT_GLOBAL_ASID_NO_CLAIM(Kind.PLANT, "plant-global-asid-no-claim", null, "x86 allocate_global_asid(): the ASID is not claimed in global_asid_used"),
    PLANT_LAZYMMU_NO_FLUSH(Kind.PLANT, "plant-lazymmu-no-flush", null, "lazy_mmu_mode_disable(): no arch_flush_lazy_mmu_mode() on a nested exit"),
    PLANT_LAZYMMU_SLEEP(Kind.PLANT, "plant-lazymmu-sleep", null, "a lazy MMU user sleeps without lazy_mmu_mode_pause()");

    /** What sort of change a patch is. */
    public enum Kind {
        /** Merged upstream: in every base from its release on, unless a variant reverts it. */
        MERGED,
        /** Posted to the lists (an RFC, a review's proposal): in a variant only when it applies it. */
        POSTING,
        /** A fix this project proposes for a finding: in a variant only when it applies it. */
        LAZYMM_FIX,
        /** A bug a test plants (never a kernel's): in a variant only when it applies it. */
        PLANT
    }

    /** What sort of change it is. */
    public final Kind kind;
    /** What markers and reports call it: the 12-digit commit id, or a short name for the other kinds. */
    public final String id;
    /** The first release that has it (merged patches only), else null. */
    public final Release release;
    /** The patch whose code this one changes (a variant cannot have this one without it), or null. */
    public final Patch requires;
    /** Its subject line, or for a posting who posted what and where. */
    public final String subject;

    Patch(Kind kind, String id, String release, String subject) { this(kind, id, release, subject, null); }

    Patch(Kind kind, String id, String release, String subject, Patch requires) {
        this.requires = requires;
        this.kind = kind;
        this.id = id;
        this.release = release == null ? null : Release.of(release);
        this.subject = subject;
        if ((kind == Kind.MERGED) != (release != null)) {
            throw new IllegalStateException(name() + ": a merged patch names its release, and only a merged one");
        }
    }

    /** The patch whose id this is, or null. */
    public static Patch byId(String id) {
        for (Patch p : values()) {
            if (p.id.equals(id)) return p;
        }
        return null;
    }

    @Override
    public String toString() {
        return id + (release != null ? " (" + release + ")" : "") + " \"" + subject + "\"";
    }
}
