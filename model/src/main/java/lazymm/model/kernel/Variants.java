package lazymm.model.kernel;

import static lazymm.model.kernel.KernelVariant.CpuArch.ARM64;
import static lazymm.model.kernel.KernelVariant.CpuArch.POWERPC;
import static lazymm.model.kernel.KernelVariant.CpuArch.S390;
import static lazymm.model.kernel.KernelVariant.CpuArch.X86;
import static lazymm.model.kernel.KernelVariant.Known.TASK_MM_PLAIN;
import static lazymm.model.kernel.KernelVariant.Workload.ASID_ROLLOVER;
import static lazymm.model.kernel.KernelVariant.Workload.LAZY_MMU;
import static lazymm.model.kernel.KernelVariant.Workload.MEMBARRIER_ALL;
import static lazymm.model.kernel.KernelVariant.Workload.MEMBARRIER_PRIVATE;
import static lazymm.model.kernel.KernelVariant.Workload.NO_TLB_OPS;
import static lazymm.model.kernel.KernelVariant.variant;
import static lazymm.model.sim.Expect.violation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lazymm.model.kernel.KernelVariant.LazyMmuBackend;
import lazymm.model.kernel.KernelVariant.Search;
import lazymm.model.sim.Expect;

/**
 * The kernel model's variants, each one declaration: today's kernel ({@code upstream}), the
 * lazy-TLB schemes and architectures done right, the positive controls (a historical bug, or a
 * fix reverted) and the plants the tests use. A new variant is one declaration here plus the
 * lines its patches change, marked {@code // PATCH: <id>} (docs/CHECKING-A-PATCH.md).
 */
public final class Variants {

    private Variants() {}

    // ---- today's kernel and the schemes done right ----

    public static final KernelVariant UPSTREAM = variant("upstream",
            "today's kernel (" + Release.PIN + "): MMU_LAZY_TLB_REFCOUNT, x86 with its TLB flushing, PRIVATE_EXPEDITED membarrier users (TASK-MM-RACE's race is known, not repeated)")
            .runs(MEMBARRIER_PRIVATE).knows(TASK_MM_PLAIN).archScheme().build();

    public static final KernelVariant SHOOTDOWN = variant("shootdown",
            "MMU_LAZY_TLB_SHOOTDOWN as powerpc 64s selects it, today's hotplug")
            .arch(POWERPC).lazyTlb(LazyTlb.SHOOTDOWN).build();

    public static final KernelVariant HAZARD = variant("hazard",
            "the seed-003 hazard-pointer scheme done right (lazy_mm published on every lazy path, online CPUs scanned), x86")
            .lazyTlb(LazyTlb.HAZARD).build();

    public static final KernelVariant HAZARD_BATCH = variant("hazard-batch",
            "the hazard scheme with Andy Lutomirski's lazily batched references in mm_unlazy_mm_count")
            .lazyTlb(LazyTlb.HAZARD_BATCH).build();

    public static final KernelVariant HAZARD_ARM64 = variant("hazard-arm64",
            "the hazard scheme done right on arm64 (the default iterator: online CPUs)")
            .arch(ARM64).lazyTlb(LazyTlb.HAZARD).build();

    // ---- the hazard-pointer RFC of seed 003 ----

    public static final KernelVariant HP_HOTPLUG = variant("HP-HOTPLUG",
            "hazard pointers with the 5.13 offline path: finish_cpu mmdrop()s an uncounted idle->active_mm")
            .lazyTlb(LazyTlb.HAZARD).reverts(Patch.SCHED_FORCE_INIT_MM, Patch.LAZY_TLB_HELPERS)
            .expects(violation("UseAfterFree")).build();

    public static final KernelVariant HP_CPUMASK = HAZARD_ARM64.derive("HP-CPUMASK",
            "hazard pointers iterating mm_cpumask on arm64, which never sets it")
            .applies(Patch.HP_LAZYMM_CPUMASK).expects(violation("FreedWhileNamed")).build();

    public static final KernelVariant HP_X86_TRIM = HAZARD.derive("HP-X86-TRIM",
            "hazard pointers iterating mm_cpumask on x86, as the RFC did: today's x86 trims the bit of a CPU a flush sent to init_mm while its rq->lazy_mm still names the mm (found by lazymm)")
            .applies(Patch.HP_LAZYMM_CPUMASK).expects(violation("FreedWhileNamed")).build();

    public static final KernelVariant HP_WARN = HAZARD.derive("HP-WARN",
            "hazard pointers with Peter Zijlstra's WARN in mmdrop_lazy: must never fire")
            .applies(Patch.HP_WARN).build();

    // ---- Mathieu Desnoyers' hazard-pointer lazy mm RFC (Oct 2024), and its base v6.11.1 without it ----
    // The RFC removes MMU_LAZY_TLB_REFCOUNT and _SHOOTDOWN; its variants run with the SHOOTDOWN
    // scheme: no lazy reference is counted in mm_count (so the refcount oracle, which counts
    // REFCOUNT's lazy references, stays off), and each line where the model asks for SHOOTDOWN
    // (cleanup_lazy_tlbs, powerpc's radix__tlb_flush) is one the RFC rewrites, marked
    // with the RFC's marker. Not the seed-003 HAZARD scheme: that is another RFC.

    // 953753db887f (v6.14) is applied: v6.11 had no lazy mm_cpumask (209954cbc7d0, v6.14, which the
    // model does not take out), so its initiating CPU was never left in the mask of an mm it had
    // switched away from; the fix's early return is the nearer to v6.11 of the model's two sides.
    // fea4e317f9e7's should_flush_tlb() hunk (v6.15) likewise: v6.11 had no should_flush_tlb()
    // (6db2526c1d69, v6.14), its tlb_is_not_lazy() IPI'd every CPU in the mask that was not lazy,
    // a switching one too; with the SWITCHING test the model's should_flush_tlb() does the same.
    public static final KernelVariant V6_11 = variant("v6.11",
            "the RFC's base without it: v6.11.1 on x86 (MMU_LAZY_TLB_REFCOUNT), before the x86 switch_mm fixes of v6.15/v6.18 and the v6.14 offline path")
            .base("v6.11.1").applies(Patch.X86_TLB_LOCAL_STALE, Patch.X86_SHOULD_FLUSH_SWITCHING).expects(Expect.UNDER_TEST).build();

    public static final KernelVariant V6_11_POWERPC = V6_11.derive("v6.11-powerpc",
            "the RFC's base without it: v6.11.1 on powerpc radix (MMU_LAZY_TLB_SHOOTDOWN), with the pre-v6.14 offline path (SHOOT-TRIM's bug)")
            .arch(POWERPC).lazyTlb(LazyTlb.SHOOTDOWN).expects(violation("FreedWhileNamed")).build();

    public static final KernelVariant HPREF_V2 = V6_11.derive("hpref-v2",
            "Mathieu Desnoyers' RFC v2 (Oct 2024): lazy mms tracked by one hazard-pointer slot per CPU (hp.c), on v6.11.1, x86: kthread_use_mm()'s mmdrop_lazy_tlb() uses this_cpu_ptr() from preemptible code (the 0-day robot's report, there from exec_mmap)")
            .applies(Patch.HPREF_LAZY_MM).lazyTlb(LazyTlb.SHOOTDOWN).expects(violation("PreemptibleCpuAccess")).build();

    public static final KernelVariant HPREF_V2_POWERPC = V6_11_POWERPC.derive("hpref-v2-powerpc",
            "Mathieu Desnoyers' RFC v2 on v6.11.1, powerpc radix (the RFC removes radix__tlb_flush's shootdown of lazy users)")
            .applies(Patch.HPREF_LAZY_MM).expects(violation("PreemptibleCpuAccess")).build();

    public static final KernelVariant HPREF_V3 = HPREF_V2.derive("hpref-v3",
            "Mathieu Desnoyers' RFC v3 on v6.11.1, x86: a kthread preempted in kthread_use_mm() before its mmdrop_lazy_tlb() leaves its old lazy mm in the slot, and the CPU's next mmgrab_lazy_tlb() WARNs and protects nothing (found by lazymm)")
            .applies(Patch.HPREF_LAZY_MM_V3).expects(violation("Warn")).build();

    public static final KernelVariant HPREF_V3_POWERPC = HPREF_V2_POWERPC.derive("hpref-v3-powerpc",
            "Mathieu Desnoyers' RFC v3 on v6.11.1, powerpc radix: the mm_cpumask trim's exit_lazy_flush_tlb() does mmgrab_lazy_tlb(&init_mm) while the slot still holds the lazy mm, and WARNs (found by lazymm)")
            .applies(Patch.HPREF_LAZY_MM_V3).expects(violation("Warn")).build();

    // ---- membarrier(2) users ----

    public static final KernelVariant MEMBARRIER = variant("membarrier",
            "membarrier users on today's kernel with task->mm as READ_ONCE / WRITE_ONCE (Andy Lutomirski's patch) and two fixes (SYNC-CORE-KTHREAD, GLOBAL-STALE-STATE)")
            .applies(Patch.TASK_MM_ONCE, Patch.KTHREAD_USE_MM_SYNC_CORE, Patch.MEMBARRIER_SWITCH_SAME_MM)
            .runs(MEMBARRIER_PRIVATE, MEMBARRIER_ALL).archScheme().build();

    public static final KernelVariant SYNC_CORE_KTHREAD = MEMBARRIER.derive("SYNC-CORE-KTHREAD",
            "membarrier SYNC_CORE on today's kernel: a kthread that kthread_use_mm()s the mm it holds lazily, then switches to a thread of that process, never serializes the core")
            .drops(Patch.KTHREAD_USE_MM_SYNC_CORE).expects(violation("MembarrierSyncCore")).build();

    public static final KernelVariant GLOBAL_STALE_STATE = MEMBARRIER.derive("GLOBAL-STALE-STATE",
            "membarrier GLOBAL_EXPEDITED on today's kernel: membarrier_switch_mm() skips prev_mm == next_mm, so a CPU keeps a stale rq->membarrier_state and is not IPI'd")
            .drops(Patch.MEMBARRIER_SWITCH_SAME_MM).expects(violation("MembarrierOrdering")).build();

    public static final KernelVariant TASK_MM_RACE = MEMBARRIER.derive("TASK-MM-RACE",
            "membarrier users on today's kernel: task->mm written plain, read remotely by membarrier")
            .drops(Patch.TASK_MM_ONCE).expects(violation("LkmmDataRace")).build();

    public static final KernelVariant HAZARD_MEMBARRIER = MEMBARRIER.derive("hazard-membarrier",
            "the hazard scheme done right with membarrier users (marked task->mm) on powerpc, whose switch_mm leaves kernel->user to finish_task_switch's barrier")
            .arch(POWERPC).lazyTlb(LazyTlb.HAZARD).build();

    public static final KernelVariant HP_NO_MB = HAZARD_MEMBARRIER.derive("HP-NO-MB",
            "the hazard RFC without the barrier finish_task_switch's mmdrop gave membarrier, on powerpc (x86's switch_mm_irqs_off has its own)")
            .applies(Patch.HP_NO_FINISH_MB).expects(violation("MembarrierOrdering")).build();

    public static final KernelVariant HAZARD_MEMBARRIER_X86 = MEMBARRIER.derive("hazard-membarrier-x86",
            "the hazard scheme done right with membarrier users on x86 (marked task->mm, membarrier's core sync back in finish_task_switch)")
            .lazyTlb(LazyTlb.HAZARD).build();

    public static final KernelVariant HP_NO_SYNC_CORE = HAZARD_MEMBARRIER_X86.derive("HP-NO-SYNC-CORE",
            "the hazard RFC without finish_task_switch's membarrier_mm_sync_core_before_usermode(), x86")
            .applies(Patch.HP_NO_SYNC_CORE).expects(violation("MembarrierSyncCore")).build();

    // ---- x86 TLB flushing ----

    public static final KernelVariant X86_SWITCH_ORDER = variant("X86-SWITCH-ORDER",
            "x86 switch_mm_irqs_off before fea4e317f9e7 (CVE-2025-37964): LOADED_MM_SWITCHING stored after the tlb_gen read")
            .reverts(Patch.X86_SWITCHING_FIRST, Patch.X86_SWITCH_MB).expects(violation("StaleTlb")).build();

    public static final KernelVariant X86_SWITCH_MB = variant("X86-SWITCH-MB",
            "x86 switch_mm_irqs_off before 83b0177a6c48 (CVE-2025-40174): no smp_mb() when the mm_cpumask bit is already set")
            .reverts(Patch.X86_SWITCH_MB).expects(violation("StaleTlb")).build();

    public static final KernelVariant UPSTREAM_INVLPGB = UPSTREAM.derive("upstream-invlpgb",
            "today's kernel on a CPU with INVLPGB (X86_FEATURE_INVLPGB, AMD Zen 3 on): a process active on several CPUs gets a global ASID and its flushes go out as INVLPGB + TLBSYNC (global ASIDs and the threshold scaled down: 4 ASIDs, 2 CPUs)")
            .features(KernelVariant.CpuFeature.X86_FEATURE_INVLPGB).build();

    public static final KernelVariant IDLE_LEAVE_MM = variant("idle-leave-mm",
            "today's kernel without INVLPGB (no membarrier users), with an idle state that flushes the TLB (CPUIDLE_FLAG_TLB_FLUSHED: cpuidle calls leave_mm(), which WARNs unless the CPU is lazy): INVLPGB-IDLE's control")
            .features(KernelVariant.CpuFeature.CPUIDLE_FLAG_TLB_FLUSHED).build();

    public static final KernelVariant INVLPGB_IDLE = IDLE_LEAVE_MM.derive("INVLPGB-IDLE",
            "today's kernel with INVLPGB and an idle state that flushes the TLB (CPUIDLE_FLAG_TLB_FLUSHED): a flush IPI of an mm in asid_transition moves a CPU gone idle (lazy) to the global ASID, clearing is_lazy, and cpuidle's leave_mm() WARNs (Rik van Riel's report, May 2025)")
            .features(KernelVariant.CpuFeature.X86_FEATURE_INVLPGB).expects(violation("Warn")).build();

    public static final KernelVariant INVLPGB_IDLE_LAZY_FIRST = INVLPGB_IDLE.derive("invlpgb-idle-lazy-first",
            "INVLPGB-IDLE with Rik van Riel's posted fix: flush_tlb_func() tests is_lazy before the global ASID")
            .applies(Patch.RIEL_FLUSH_FUNC_LAZY_FIRST).expects(Expect.CLEAN).build();

    // ---- shootdown, arm64 ASIDs, powerpc radix ----

    public static final KernelVariant SHOOT_TRIM = SHOOTDOWN.derive("SHOOT-TRIM",
            "shootdown with the pre-v6.14 offline path: powerpc trims mm_cpumask while the dying CPU is still lazy")
            .reverts(Patch.SCHED_FORCE_INIT_MM).expects(violation("FreedWhileNamed")).build();

    public static final KernelVariant ARM64_ASID = variant("arm64-asid",
            "today's arm64 ASID allocator under rollovers: 2 CPUs, 3 ASIDs besides #0, three or four processes, broadcast TLBI, weak memory")
            .arch(ARM64).cpus(2).runs(ASID_ROLLOVER).build();

    public static final KernelVariant ARM64_ASID_ZERO = ARM64_ASID.derive("ARM64-ASID-ZERO",
            "arm64 check_and_switch_context before a8ffaaa060b8: the fast path's xchg_relaxed overwrites a rollover's 0 in active_asids, and a second rollover gives two mms one ASID (found by Catalin Marinas' TLA+ model)")
            .reverts(Patch.ARM64_ASID_CMPXCHG).expects(violation("AsidClash")).build();

    // ---- the lazy MMU mode (seed 004) ----

    public static final KernelVariant LAZYMMU = variant("lazymmu",
            "lazy MMU mode users (mprotect, vmalloc, nested, paused, in interrupts) on today's generic layer (seed 004) with Xen PV's backend and its context-switch hooks, Juergen Gross's May-2026 fix included (" + Release.PIN + ")")
            .runs(LAZY_MMU).archScheme().build();

    public static final KernelVariant LAZYMMU_ARM64 = variant("lazymmu-arm64",
            "lazy MMU mode users on today's generic layer, arm64 (TIF_LAZY_MMU_PENDING deferred barriers)")
            .arch(ARM64).runs(LAZY_MMU).build();

    public static final KernelVariant LAZYMMU_POWERPC = variant("lazymmu-powerpc",
            "lazy MMU mode users on today's generic layer, powerpc book3s64 hash (per-CPU ppc64_tlb_batch, preemption off in the mode)")
            .arch(POWERPC).lazyTlb(LazyTlb.SHOOTDOWN).runs(LAZY_MMU).build();

    public static final KernelVariant LAZYMMU_SPARC = variant("lazymmu-sparc",
            "lazy MMU mode users on today's generic layer, sparc64's per-CPU tlb_batch (on the x86 model's memory and mm switching)")
            .runs(LAZY_MMU).lazyMmuBackend(LazyMmuBackend.SPARC64).build();

    public static final KernelVariant LAZYMMU_NEST = LAZYMMU_ARM64.derive("LAZYMMU-NEST",
            "lazy MMU mode before seed 004 on arm64 (1ef3095b1405: one TIF_LAZY_MMU flag, no nesting count): a nested section's leave ends lazy mode for the outer one")
            .reverts(Patch.LAZY_MMU_NEST, Patch.XEN_LAZY_MMU_STATE, Patch.XEN_LAZY_MMU_PREEMPT_FIX)
            .expects(violation("LazyMmu")).build();

    public static final KernelVariant LAZYMMU_PREEMPT = LAZYMMU.derive("LAZYMMU-PREEMPT",
            "seed 004's generic counters with 291b3abed657's Xen PV context-switch hooks, before Juergen Gross's fix: a task preempted between enable_count 0->1 and arch_enter_lazy_mmu_mode() is entered twice on a CPU")
            .reverts(Patch.XEN_LAZY_MMU_PREEMPT_FIX).expects(violation("LazyMmu")).build();

    public static final KernelVariant PPC_TRIM_KTHREAD = variant("PPC-TRIM-KTHREAD",
            "powerpc radix before a665eec0a22e (v5.10): the single-threaded flush's mm_cpumask trim drops a kthread that kthread_use_mm()s the mm meanwhile, whose TLB later misses a local-only flush")
            .arch(POWERPC).reverts(Patch.PPC_TRIM_KTHREAD, Patch.SCHED_FORCE_INIT_MM, Patch.LAZY_TLB_HELPERS)
            .expects(violation("StaleTlb")).build();

    // ---- s390 page tables (seed 002) ----

    public static final KernelVariant S390_FRAG = variant("s390-frag",
            "s390 before 6.8 (v6.5's pgalloc.c): two 2K PTE tables per page, tracked in page->_refcount, with c2c224932fd0's temporary P bit; khugepaged frees with pte_free")
            .arch(S390).reverts(Patch.S390_FULL_PAGE_PTE, Patch.S390_PTE_FREE_DEFER).build();

    public static final KernelVariant S390_FRAG_RACE = S390_FRAG.derive("S390-FRAG-RACE",
            "s390-frag with c2c224932fd0 reverted: page_table_free clears only the A bit, so __tlb_remove_table (an RCU callback) frees the page during its list_del")
            .reverts(Patch.S390_TEMP_P).expects(violation("PgtableFragment")).build();

    public static final KernelVariant S390_ALLOC_P = S390_FRAG.derive("S390-ALLOC-P",
            "s390-frag with page_table_alloc ignoring the P bits (Hugh Dickins' hunk Gerald Schaefer questions, seed 002): a half pending its RCU free is handed out again (0x13 / 0x23)")
            .applies(Patch.HUGH_S390_ALLOC_IGNORES_P).expects(violation("PgtableFragment")).build();

    public static final KernelVariant S390_BH_DEADLOCK = S390_FRAG.derive("S390-BH-DEADLOCK",
            "Hugh Dickins' s390 pte_free_defer patch of seed 002: __tlb_remove_table relinks under mm->context.lock in softirq, __tlb_flush_mm_lazy takes it with spin_lock (Gerald Schaefer's RCU stall)")
            .applies(Patch.HUGH_S390_PTE_FREE_DEFER).expects(violation("IrqUnsafeLock")).build();

    public static final KernelVariant S390_HUGH_BH = S390_BH_DEADLOCK.derive("s390-hugh-bh",
            "Hugh Dickins' s390 pte_free_defer patch with Gerald Schaefer's spin_lock_bh for every user of mm->context.lock (seed 002)")
            .applies(Patch.GERALD_S390_BH_LOCK).expects(Expect.CLEAN).unlisted().build();

    public static final KernelVariant S390_PTE_FREE_DEFER = variant("s390-pte-free-defer",
            "s390 v6.6 (8211dad62798): pte_free_defer marks the page PG_active and call_rcu()s the whole page once both halves are free")
            .arch(S390).reverts(Patch.S390_FULL_PAGE_PTE).build();

    public static final KernelVariant S390_4K = variant("s390-4k",
            "s390 since v6.8 (d08d4e7cd6bf, as " + Release.PIN + "): a full 4K page per PTE table; what upstream runs on s390")
            .arch(S390).build();

    // ---- plants: one line each, for the oracles' tests (never listed) ----
    //
    // Each plant's expected outcome per arch is a row (result): caught as a violation of a kind
    // or signature by the search given, or clean within the search's budget, with why.
    // PlantResultsTest runs every row.

    private static KernelVariant.Builder plant(KernelVariant on, Patch plant) {
        return on.derive(plant.id, plant.subject).applies(plant).unlisted();
    }

    /** Today's kernel without membarrier users: what most plants run on. */
    private static final KernelVariant TODAY = variant("today", "today's kernel, no membarrier users").archScheme().unlisted().build();
    /** Today's kernel on a CPU with INVLPGB, no membarrier users: the broadcast-flush plants. */
    private static final KernelVariant TODAY_INVLPGB = TODAY.derive("today-invlpgb", "today's kernel with X86_FEATURE_INVLPGB, no membarrier users")
            .features(KernelVariant.CpuFeature.X86_FEATURE_INVLPGB).build();
    /** The membarrier users with every fix, no TLB operations: membarrier's barrier plants. */
    private static final KernelVariant MEMBARRIER_ONLY = MEMBARRIER.derive("membarrier-only",
            "membarrier users with every fix, no zap or munmap").runs(NO_TLB_OPS).archScheme().unlisted().build();

    /** membarrier.c's scenario C: a thread of the process switched in on the other CPU (from another process's task) while the slow path scans rq->curr. */
    private static final String MB_SCENARIO_C = "user:1 mbreg mbslow mbslow | user:1 mbfast mbfast | user:2 sched";
    /** membarrier.c's scenario B: a fast path, then its CPU switches away (to another process's task) while the slow path scans rq->curr. */
    private static final String MB_SCENARIO_B = "user:1 mbreg mbfast sched mbfast | user:1 mbslow mbslow | user:2 run sched run";
    /** membarrier.c's scenario D: a thread's fast path, then its exit while the slow path scans rq->curr. */
    private static final String MB_SCENARIO_D = "user:1 mbreg mbslow mbslow | user:1 mbfast";
    /** membarrier.c's scenario E: a kthread's fast path on the mm it uses, then kthread_unuse_mm(), while the slow path scans. */
    private static final String MB_SCENARIO_E = "user:1 mbreg mbslow mbslow | kthread use:1 mbfast unuse";
    /** A CPU goes back to a process it ran before (its mm_cpumask bit already set). */
    private static final String MB_E_PROGRAM = "user:1 mbreg run sched mbfast mbfast | user:1 run mbslow mbslow | user:2 run sched run";
    /** The weak model's pointer loads: why (c)'s removal is not seen on the weak arches. */
    private static final String WEAK_POINTER_LOADS = "not seen by the model: its weak memory lets a pointer load (READ_ONCE(rq->curr) in the scan) order every later load, not only those through the pointer (WeakBackend: 'address dependencies, and a little more'), so the scan's read of a switched-away CPU's rq->curr orders the slow path's flag reads as (c) would; with that strengthening taken out, scenario B (" + MB_SCENARIO_B + ") is caught on powerpc by the random walk in 4,545 executions, and stays clean with (c)";

    static final List<KernelVariant> PLANTS = List.of(
            plant(TODAY, Patch.PLANT_EXTRA_MMDROP)
                    .result(X86, violation("UseAfterFree|RefcountUnderflow"), "KASAN sees the freed mm used, or the count goes negative",
                            Search.random(11, 20_000).noStepChecks()).build(),
            plant(TODAY, Patch.PLANT_MISSING_MMDROP)
                    .result(X86, violation("RefcountInvariant"), "the step invariant I1 sees one holder fewer than mm_count",
                            Search.random(11, 20_000))
                    .result(X86, violation("Leak"), "without the step invariants, the mm is never freed",
                            Search.random(11, 20_000).noStepChecks()).build(),
            plant(TODAY, Patch.PLANT_EXTRA_MMPUT)
                    .result(X86, violation("RefcountUnderflow|UseAfterFree"), "mm_users goes below zero, or the mm is torn down under its users",
                            Search.random(11, 20_000).noStepChecks()).build(),
            plant(TODAY, Patch.PLANT_NO_LAZY_GRAB)
                    .result(X86, violation("UseAfterFree"), "the lazily used mm is freed under the CPU",
                            Search.random(11, 20_000).noStepChecks()).build(),
            plant(TODAY, Patch.PLANT_NO_LAZY_CATCHUP)
                    .result(X86, violation("StaleTlb"), "a lazy CPU back on its mm uses translations a flush removed while it was lazy",
                            Search.pct(1, 200_000)).build(),
            plant(TODAY, Patch.PLANT_NO_FREED_TABLES_IPI)
                    .result(X86, violation("StaleTlb"), "a lazy CPU skipped by a flush that frees page tables walks speculatively through a freed table",
                            Search.pct(1, 200_000)).build(),
            plant(TODAY, Patch.PLANT_PTL_IN_IRQ)
                    .result(X86, violation("Deadlock|IrqUnsafeLock"), "the flush IPI lands inside its own CPU's fault (self-deadlock), or lockdep sees the lock taken in and out of hardirq context (both ways: KernelLockTest)",
                            Search.random(1, 20_000).program("user:1 run zap run zap run zap | user:1 run zap run zap run zap")).build(),

            plant(SHOOTDOWN, Patch.PLANT_PPC_NO_TLBIE)
                    .result(POWERPC, violation("StaleTlb"), "another CPU running the process keeps the translation",
                            Search.random(1, 100_000)).build(),
            plant(SHOOTDOWN, Patch.PLANT_PPC_TRIM_EARLY)
                    .result(POWERPC, violation("StaleTlb|FreedWhileNamed"), "the CPU's later speculative walks refill the TLB behind the flushes, or the final mmdrop's shootdown misses it and frees the mm with CPUs still on it (no access to it follows on random seed 1)",
                            Search.random(1, 100_000)).build(),
            plant(SHOOTDOWN, Patch.PLANT_PPC_NO_FLUSH_MB)
                    .result(POWERPC, violation("StaleTlb"), "store buffering: the flusher misses the switching CPU and flushes locally",
                            Search.random(1, 100_000).program("user:1 run zap zap | user:1 run run run")).build(),
            plant(SHOOTDOWN, Patch.PLANT_PPC_NO_SWITCH_MB)
                    .result(POWERPC, violation("StaleTlb"), "store buffering, the other side; user -> user on 2 CPUs (from a kthread or idle, finish_task_switch's mmdrop_lazy_tlb_sched() is a full barrier too)",
                            Search.random(1, 100_000).cpus(2).program("user:1 run zap zap | user:2 run sched run | user:1 run run run")).build(),

            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_MB_A)
                    .result(X86, Expect.CLEAN, "not found (nor in 300,000 PCT executions of random programs, nor 70,000 of scenario C's): a budget, not a proof. x86-TSO may still let the slow path's flag store pass the rq->curr scan (nothing locked between them in v7.1.5: cpus_read_lock()'s fast path is a this_cpu_inc()), but the window, a whole context switch and fast path between the scan and (c), is beyond these searches",
                            Search.pct(1, 2_000).cpus(2).program(MB_SCENARIO_C))
                    .result(POWERPC, violation("MembarrierOrdering"), "scenario C: the scan reads a stale rq->curr of the CPU that switched in a thread of the process ((e) is there, (a) is not: store buffering)",
                            Search.random(1, 20_000).cpus(2).program(MB_SCENARIO_C))
                    .result(ARM64, violation("MembarrierOrdering"), "scenario C, as on powerpc",
                            Search.random(1, 20_000).cpus(2).program(MB_SCENARIO_C)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_MB_C)
                    .result(X86, Expect.CLEAN, "redundant: TSO keeps loads in order, so the scan's read of rq->curr is ordered before the flag reads after membarrier() (scenario B needs them reordered)",
                            Search.random(1, 2_000).cpus(2).program(MB_SCENARIO_B))
                    .result(POWERPC, Expect.CLEAN, WEAK_POINTER_LOADS,
                            Search.random(1, 2_000).cpus(2).program(MB_SCENARIO_B))
                    .result(ARM64, Expect.CLEAN, WEAK_POINTER_LOADS,
                            Search.random(1, 2_000).cpus(2).program(MB_SCENARIO_B)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_MB_D)
                    .result(X86, Expect.CLEAN, "redundant: smp_mb__after_spinlock() is a no-op after x86's locked spin_lock (rq->lock), itself a full barrier",
                            Search.random(1, 2_000).cpus(2).program(MB_SCENARIO_C))
                    .result(POWERPC, violation("MembarrierOrdering"), "scenario C: spin_lock is only an acquire, so nothing orders the fast path's CPU before its rq->curr store ((d) pairs with (a) / (c))",
                            Search.random(1, 20_000).cpus(2).program(MB_SCENARIO_C))
                    .result(ARM64, violation("MembarrierOrdering"), "scenario C, as on powerpc",
                            Search.random(1, 20_000).cpus(2).program(MB_SCENARIO_C)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_MB_E)
                    .result(X86, Expect.CLEAN, "redundant since 83b0177a6c48 (v6.18): switch_mm_irqs_off() executes a locked cpumask_set_cpu() or an smp_mb() between the rq->curr store and the return to user space on every path that changes mm, and its lazy path has an smp_mb()",
                            Search.pct(1, 10_000).program(MB_E_PROGRAM)).build(),
            MEMBARRIER_ONLY.derive("plant-no-mb-e-6.17",
                    "x86 switch_mm_irqs_off() before 83b0177a6c48 (6.17) with the CR3 write's barrier (membarrier's (e)) removed")
                    .reverts(Patch.X86_SWITCH_MB).applies(Patch.PLANT_NO_MB_E).unlisted()
                    .result(X86, violation("MembarrierOrdering"), "before 83b0177a6c48, when the CPU's mm_cpumask bit is already set (back to a process it ran), the CR3 write was the only full barrier after rq->curr",
                            Search.pct(1, 100_000).program(MB_E_PROGRAM)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_MB_G)
                    .result(POWERPC, violation("MembarrierOrdering"), "switch_mm returns early when the mm does not change, and under SHOOTDOWN mmdrop_lazy_tlb() is a bare smp_mb(): nothing else orders kthread_use_mm()'s tsk->mm store",
                            Search.pct(1, 300_000).lazyTlb(LazyTlb.SHOOTDOWN))
                    .result(X86, Expect.CLEAN, "redundant, on the hazard scheme (under REFCOUNT the plant also leaks the lazy reference mmdrop_lazy_tlb() drops): the kthread lazily on the mm goes through switch_mm_irqs_off()'s lazy path, whose smp_mb() (to read tlb_gen) orders the store (a schedule pinned in KernelScheduleTest); not for an mm with an INVLPGB global ASID, not modelled",
                            Search.pct(1, 2_000).lazyTlb(LazyTlb.HAZARD)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_MB_EXIT)
                    .result(POWERPC, violation("MembarrierOrdering:membarrier_private_expedited"), "scenario D: a thread's fast path, then exit_mm() clears current->mm with its flag store still buffered; the slow path's scan sees no thread of the process on that CPU and skips it, and the oracle still reads the exited thread's flag",
                            Search.pct(1, 20_000).program(MB_SCENARIO_D))
                    .result(X86, Expect.CLEAN, "redundant: TSO makes the flag store visible before the store of current->mm = NULL that the scan reads, and exit_mm()'s locked mmgrab_lazy_tlb() drains it anyway",
                            Search.pct(1, 2_000).program(MB_SCENARIO_D)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_MB_UNUSE)
                    .result(POWERPC, violation("MembarrierOrdering:membarrier_private_expedited"), "scenario E: a kthread's fast path on the mm it uses, then tsk->mm = NULL with its flag store still buffered; the scan skips it, and the oracle still reads the flag of the kthread that left the mm",
                            Search.pct(1, 20_000).program(MB_SCENARIO_E)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_IPI_GLOBAL)
                    .result(X86, violation("MembarrierOrdering:membarrier_global_expedited"), "GLOBAL_EXPEDITED interrupts nobody; PCT keeps the stores buffered",
                            Search.pct(1, 100_000)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_IPI_CPU)
                    .result(X86, violation("MembarrierOrdering:membarrier_private_expedited"), "the cpu_id form interrupts nobody; on a program whose slow paths name each CPU in turn (random programs need more than 100,000 PCT executions)",
                            Search.pct(2, 100_000).program("user:1 mbregrseq mbcpu:0 mbcpu:1 mbcpu:2 | user:1 mbfast mbfast | user:1 mbfast mbfast")).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_IPI_SYNC_CORE)
                    .result(X86, violation("MembarrierSyncCore:membarrier_private_expedited"), "a thread runs the modified code on a CPU that did not serialize (control flow: the random walk finds it)",
                            Search.random(11, 100_000)).build(),
            plant(MEMBARRIER_ONLY, Patch.PLANT_NO_SYNC_CORE_SWITCH)
                    .result(X86, violation("MembarrierSyncCore:membarrier_private_expedited"), "user -> kthread -> user on one mm: no CR3 write, and no core sync in finish_task_switch()",
                            Search.random(11, 100_000)).build(),
            plant(MEMBARRIER_ONLY.derive("membarrier-only-arm64", "").arch(ARM64).unlisted().build(), Patch.PLANT_NO_SWITCH_TO_DSB)
                    .result(ARM64, violation("MembarrierOrdering"), "when switch_mm changes mm, neither check_and_switch_context (a relaxed cmpxchg) nor the TTBR writes are a full barrier: __switch_to's dsb(ish) is (random walk: 555 executions; PCT: none in 74,000)",
                            Search.random(1, 100_000)).build(),
            plant(ARM64_ASID, Patch.PLANT_NO_ASID_FLUSH)
                    .result(ARM64, violation("AsidClash:tlb_flush_pending"), "a CPU loads an ASID of a generation it has not flushed in",
                            Search.random(11, 100_000)).build(),
            plant(ARM64_ASID, Patch.PLANT_ASID_NO_RESERVE)
                    .result(ARM64, violation("AsidClash:context.id"), "a rollover hands a running mm's ASID to another mm: two mms with one context.id (a step check)",
                            Search.random(11, 100_000))
                    .result(ARM64, violation("AsidClash:tlb"), "without the step checks, a CPU hits the TLB entry the other mm left under that ASID",
                            Search.random(11, 100_000).noStepChecks()).build(),
            plant(variant("arm64", "").arch(ARM64).unlisted().build(), Patch.PLANT_NO_TLBI_BROADCAST)
                    .result(ARM64, violation("StaleTlb:tlb"), "the TLBI of a zap reaches only the flushing CPU",
                            Search.random(11, 100_000)).build(),
            plant(TODAY_INVLPGB, Patch.PLANT_INVLPGB_NO_TLBSYNC)
                    .result(X86, violation("StaleTlb"), "the INVLPGBs of a broadcast flush still pending when flush_tlb_mm_range() returns: another CPU keeps the global ASID's entry (or walks the freed table through it)",
                            Search.random(11, 20_000)).build(),
            plant(TODAY_INVLPGB, Patch.PLANT_GLOBAL_ASID_FREE_NOW)
                    .result(X86, violation("GlobalAsid:allocate_global_asid"), "a global ASID freed by an exiting mm is handed to the next process with no invlpgb_flush_all_nonglobals() between",
                            Search.random(11, 20_000)).build(),
            plant(TODAY_INVLPGB, Patch.PLANT_GLOBAL_ASID_NO_CLAIM)
                    .result(X86, violation("GlobalAsid:mm->context.global_asid"), "two processes active on two CPUs get the same global ASID (a step check)",
                            Search.random(11, 20_000)).build(),
            plant(LAZYMMU, Patch.PLANT_LAZYMMU_NO_FLUSH)
                    .result(X86, violation("LazyMmu:not flushed:lazy_mmu_mode_disable"), "Xen PV: the multicall buffer is still batched when lazy_mmu_mode_disable() returns",
                            Search.random(11, 20_000))
                    .result(ARM64, violation("LazyMmu:not flushed:lazy_mmu_mode_disable"), "TIF_LAZY_MMU_PENDING still set when lazy_mmu_mode_disable() returns",
                            Search.random(11, 20_000))
                    .result(POWERPC, violation("LazyMmu:not flushed:lazy_mmu_mode_disable"), "ppc64_tlb_batch still holds the nested section's updates",
                            Search.random(11, 20_000)).build(),
            plant(LAZYMMU, Patch.PLANT_LAZYMMU_SLEEP)
                    .result(X86, violation("LazyMmu:sleep in lazy mode"), "a section sleeps without lazy_mmu_mode_pause()", Search.random(11, 20_000))
                    .result(ARM64, violation("LazyMmu:sleep in lazy mode"), "the same, arm64", Search.random(11, 20_000))
                    .result(POWERPC, violation("LazyMmu:sleep in lazy mode"), "the same, powerpc (preemption off in the mode)", Search.random(11, 20_000)).build());

    /** The plants: unlisted declarations, each with its expected results per arch. */
    public static List<KernelVariant> plants() { return PLANTS; }

    // ---- mutants: today's kernel with one real historical fix reverted (./lazymm bench --mutants) ----

    /**
     * The mutation benchmark: each is a real fix from the kernel's history, reverted at the lines
     * it changed (its patch declared with its commit and release, the lines marked), on the
     * variant whose workload reaches them. Unlisted: they measure the search (is a bug nobody
     * modelled found?), they are not controls the tests assert; each expects the violation its
     * bug should produce. Keep the ids {@code MUT-<commit>}.
     */
    static final List<KernelVariant> MUTANTS = List.of(
            // -- mut2: kthread_use_mm, x86 flush_tlb_func, powerpc radix, the lazy MMU batches --
            SHOOTDOWN.derive("MUT-38cf307c1f20",
                    "38cf307c1f20 (v5.9) reverted, powerpc radix: kthread_use_mm() with IRQs on until switch_mm(); an exit_flush_lazy_tlbs IPI between ->active_mm = mm and the switch sends the kthread to init_mm, which then runs on mm with active_mm init_mm, and the MMU keeps mm loaded after it is freed")
                    .reverts(Patch.KTHREAD_USE_MM_IRQS_OFF).expects(violation("UseAfterFree")).unlisted().build(),
            UPSTREAM.derive("MUT-953753db887f",
                    "953753db887f (v6.14) reverted: flush_tlb_func() on the initiating CPU, left in the mm_cpumask of an mm it no longer has loaded, compares that mm's f->new_tlb_gen with the loaded mm's generations: WARN_ON_ONCE(f->new_tlb_gen > mm_tlb_gen) when another CPU is flushing the loaded mm (or a partial flush recorded as a full one); reached by mkclean:G, a flush of another process's mm (the random programs have no mkclean)")
                    .reverts(Patch.X86_TLB_LOCAL_STALE).expects(violation("Warn")).unlisted().build(),
            SHOOTDOWN.derive("MUT-dfaed3e1fa70",
                    "dfaed3e1fa70 (v6.4) reverted, powerpc radix: exit_lazy_flush_tlb() called from flush_type_needed() switches a lazy kthread to init_mm with IRQs on; under SHOOTDOWN a nested switch only repeats uncounted lazy grabs/drops, and the caller (exit_mmap, mm_users 0) has no concurrent sender for mm: expected invisible without the linux-next WARN that reported it")
                    .reverts(Patch.PPC_EXIT_LAZY_IRQS_OFF).expects(Expect.UNDER_TEST).unlisted().build(),
            LAZYMMU_POWERPC.derive("MUT-b9ef323ea168",
                    "b9ef323ea168 (v6.1) reverted, powerpc hash: arch_enter_lazy_mmu_mode() leaves preemption on, so a task in a vmalloc lazy section is preempted with its entries in this CPU's ppc64_tlb_batch")
                    .reverts(Patch.PPC_HASH_LAZY_MMU_PREEMPT).expects(violation("LazyMmu")).unlisted().build(),
            LAZYMMU_SPARC.derive("MUT-a1d416bf9faf",
                    "a1d416bf9faf (v6.15) reverted, sparc64: arch_enter_lazy_mmu_mode() leaves preemption on, so a task in a vmalloc lazy section is preempted with its entries in this CPU's tlb_batch")
                    .reverts(Patch.SPARC_LAZY_MMU_PREEMPT).expects(violation("LazyMmu")).unlisted().build(),
            // -- end mut2 --

            // -- mutarch: the architecture / TLB side --
            UPSTREAM.derive("MUT-a6f572084fbe",
                    "a6f572084fbe (v4.19) reverted: tlb_remove_table() frees a page table at once when the mm has fewer than two users (a single-threaded munmap, exit_mmap), before the flush, while a CPU lazily on the mm (a kthread) still has the pmd's pointer to it in its paging-structure cache and may walk it")
                    .reverts(Patch.TLB_REMOVE_TABLE_CONCURRENT).expects(violation("StaleTlb")).unlisted().build(),
            SHOOTDOWN.derive("MUT-01b0f0eae081",
                    "01b0f0eae081 (v5.11) reverted, powerpc radix: an offlined CPU keeps its mm_cpumask bits and its TLB; exit_flush_lazy_tlbs() IPIs reach only online CPUs, so a single-threaded process's flush becomes a local tlbiel and the CPU comes back online with the stale translation")
                    .reverts(Patch.PPC_OFFLINE_TRIM).expects(violation("StaleTlb")).unlisted().build(),
            // -- end mutarch --

            // -- lazyfix: lazy TLB (x86 should_flush_tlb, ...) --
            UPSTREAM.derive("MUT-fea4e317f9e7-b",
                    "fea4e317f9e7's should_flush_tlb() hunk (v6.15) reverted: a CPU in switch_mm_irqs_off() between its tlb_gen read and loaded_mm = next (loaded_mm == LOADED_MM_SWITCHING) is skipped by a flush that does not trim, and loads the mm's ASID with the translation the flush removed")
                    .reverts(Patch.X86_SHOULD_FLUSH_SWITCHING).expects(violation("StaleTlb")).unlisted().build(),
            // -- end lazyfix --
            SHOOTDOWN.derive("MUT-d53c3dfb23c4",
                    "d53c3dfb23c4 (v5.10) reverted, powerpc radix (MMU_LAZY_TLB_SHOOTDOWN): exec_mmap() sets ->mm, then ->active_mm, then activates the new mm with IRQs on, so a task without an mm execing (kernel_execve: the usermode helper, init) takes the shootdown IPI of the mm it borrowed lazily in between: do_shoot_lazy_tlb() finds ->mm set (WARN) or ->active_mm already new, and the old mm is freed with the MMU still on it")
                    .reverts(Patch.EXEC_MMAP_IRQS_OFF).expects(violation("Warn")).unlisted().build(),
            // -- gather: concurrent mmu_gathers of one mm (mm->tlb_flush_pending) --
            UPSTREAM.derive("MUT-99baac21e458",
                    "99baac21e458 (v4.13) reverted: no mm->tlb_flush_pending; a thread's madvise(MADV_DONTNEED) that finds the PTEs already cleared by another thread's zap, whose flush is still to come, flushes nothing and returns while a CPU still holds the translation")
                    .reverts(Patch.TLB_FLUSH_PENDING_GATHER).expects(violation("StaleTlb")).unlisted().build(),
            UPSTREAM.derive("MUT-7a30df49f63a",
                    "7a30df49f63a (v5.2) reverted, arm64: tlb_finish_mmu()'s forced flush of a gather nested with another resets the range, clearing freed_tables, so a munmap that freed the page table flushes leaf entries only (TLBI VALE1IS) and a CPU's walk cache keeps the pointer to the freed table")
                    .arch(ARM64).reverts(Patch.TLB_NESTED_FULLMM).expects(violation("StaleTlb")).unlisted().build(),
            // -- end gather --

            mutant("MUT-ce29ddc47b91", MEMBARRIER, Patch.MEMBARRIER_SYNC_RQ_LOCAL,
                    "ce29ddc47b91 reverted: sync_runqueues_membarrier_state() IPIs with smp_call_function_many(), which skips the registering CPU, so its rq->membarrier_state misses GLOBAL_EXPEDITED and a GLOBAL_EXPEDITED caller skips a registered thread there")
                    .expects(violation("MembarrierOrdering")).unlisted().build(),
            mutant("MUT-e45cdc71d1fa", MEMBARRIER, Patch.MEMBARRIER_SYNC_CORE_SELF,
                    "e45cdc71d1fa reverted: membarrier(SYNC_CORE) neither IPIs the calling CPU nor runs for a single user, so a thread of the process switched in there user->user returns to user space without a core sync")
                    .expects(violation("MembarrierSyncCore")).unlisted().build(),
            mutant("MUT-618758ed3a4f-a", MEMBARRIER, Patch.MEMBARRIER_KTHREAD_GLOBAL,
                    "618758ed3a4f's GLOBAL half reverted: membarrier_global_expedited() skips every CPU running a kthread, one inside kthread_use_mm() of a registered mm too, whose fast path then goes unordered")
                    .expects(violation("MembarrierOrdering")).unlisted().build(),
            mutant("MUT-618758ed3a4f-b", MEMBARRIER, Patch.MEMBARRIER_KTHREAD_UNUSE_MB,
                    "618758ed3a4f's barrier reverted, powerpc: kthread_unuse_mm() without smp_mb__after_spinlock(), so tsk->mm = NULL can be seen before the kthread's last user-memory store and membarrier skips it")
                    .arch(POWERPC).lazyTlb(LazyTlb.SHOOTDOWN).expects(violation("MembarrierOrdering")).unlisted().build(),
            mutant("MUT-5bc78502322a", MEMBARRIER, Patch.MEMBARRIER_EXIT_MM,
                    "5bc78502322a reverted, powerpc: exit_mm() clears current->mm with no barrier after the task's user-memory accesses, so PRIVATE_EXPEDITED can skip an exiting thread whose store is not yet visible")
                    .arch(POWERPC).lazyTlb(LazyTlb.SHOOTDOWN).expects(violation("MembarrierOrdering")).unlisted().build(),
            mutant("MUT-227a4aadc75b-a", MEMBARRIER, Patch.MEMBARRIER_RQ_STATE_SCAN,
                    "227a4aadc75b's scan hunk reverted: membarrier_global_expedited() loads p->mm->membarrier_state of another CPU's current task under RCU alone, and the mm can be freed meanwhile (KASAN)")
                    .expects(violation("UseAfterFree")).unlisted().build(),
            mutant("MUT-227a4aadc75b-b", MEMBARRIER, Patch.MEMBARRIER_EXEC_MMAP_MB,
                    "227a4aadc75b's barrier reverted, powerpc: membarrier_exec_mmap() clears the membarrier state (and tsk->mm changes) with no smp_mb() after the pre-exec user accesses")
                    .arch(POWERPC).lazyTlb(LazyTlb.SHOOTDOWN).expects(violation("MembarrierOrdering")).unlisted().build(),
            // -- mutsched: scheduler-side fixes --
            mutant("MUT-73956fc07dd7", MEMBARRIER, Patch.MEMBARRIER_RCU_MERGE,
                    "73956fc07dd7 reverted (v5.4-rc1): membarrier_private_expedited() takes rcu_read_lock() again inside its scan of rq->curr, never released, so the caller returns to user space in an RCU read-side critical section (lockdep: lock held when returning to user space)")
                    .expects(violation("Warn:lockdep_sys_exit")).unlisted().build(),
            // Expected clean: the IPI path orders the caller's stores before ipi_rseq() by itself
            // (llist_add()'s cmpxchg after membarrier's smp_mb() (a); llist_del_all()'s xchg on
            // the target before the handler), in the kernel as in Smp; the commit itself calls
            // the bug "a strict reading of the x86 manuals". On powerpc, where a missing barrier
            // would show if anything did. A report would be an Smp model that lost its ordering.
            mutant("MUT-2ecedd756908", MEMBARRIER, Patch.MEMBARRIER_RSEQ_MB,
                    "2ecedd756908 reverted, powerpc: ipi_rseq() without its smp_mb(); expected clean, the smp-call-function path's xchg already orders the caller's stores (a negative control)")
                    .arch(POWERPC).lazyTlb(LazyTlb.SHOOTDOWN).expects(Expect.CLEAN).unlisted().build()
    );

    /**
     * A mutant: {@code on} with one merged fix reverted. The powerpc ones run today's powerpc
     * (radix, MMU_LAZY_TLB_SHOOTDOWN, weak memory), as {@code --arch powerpc} would.
     */
    private static KernelVariant.Builder mutant(String id, KernelVariant on, Patch fix, String summary) {
        return on.derive(id, summary).reverts(fix);
    }

    /** The listed variants, in the order {@code list} shows them. */
    static final List<KernelVariant> LISTED = List.of(
            UPSTREAM, SHOOTDOWN, HAZARD, HAZARD_BATCH, HAZARD_ARM64, HP_HOTPLUG, HP_CPUMASK, HP_X86_TRIM, HP_WARN,
            MEMBARRIER, SYNC_CORE_KTHREAD, GLOBAL_STALE_STATE, TASK_MM_RACE, HAZARD_MEMBARRIER, HP_NO_MB,
            HAZARD_MEMBARRIER_X86, HP_NO_SYNC_CORE, V6_11, V6_11_POWERPC, HPREF_V2, HPREF_V2_POWERPC, HPREF_V3,
            HPREF_V3_POWERPC, X86_SWITCH_ORDER, X86_SWITCH_MB, UPSTREAM_INVLPGB, IDLE_LEAVE_MM, INVLPGB_IDLE, INVLPGB_IDLE_LAZY_FIRST, SHOOT_TRIM, ARM64_ASID,
            ARM64_ASID_ZERO, LAZYMMU, LAZYMMU_ARM64, LAZYMMU_POWERPC, LAZYMMU_SPARC, LAZYMMU_NEST, LAZYMMU_PREEMPT,
            PPC_TRIM_KTHREAD, S390_FRAG, S390_FRAG_RACE, S390_ALLOC_P, S390_BH_DEADLOCK, S390_PTE_FREE_DEFER, S390_4K);

    private static final Map<String, KernelVariant> BY_ID = index();

    private static Map<String, KernelVariant> index() {
        Map<String, KernelVariant> m = new LinkedHashMap<>();
        List<KernelVariant> all = new ArrayList<>(LISTED);
        all.add(S390_HUGH_BH);
        all.addAll(PLANTS);
        all.addAll(MUTANTS);
        for (KernelVariant v : all) {
            if (m.put(v.id(), v) != null) throw new IllegalStateException("two variants are called " + v.id());
        }
        return m;
    }

    /** Every declared variant, listed or not, by id. */
    public static Map<String, KernelVariant> all() { return BY_ID; }

    /** The declaration with this id. */
    public static KernelVariant byId(String id) {
        KernelVariant v = BY_ID.get(id);
        if (v == null) throw new IllegalArgumentException("unknown kernel variant '" + id + "' (./lazymm list shows them)");
        return v;
    }

    /** The listed variants. */
    public static List<KernelVariant> listed() { return LISTED; }

    /** The mutation benchmark's variants. */
    public static List<KernelVariant> mutants() { return MUTANTS; }
}
