package lazymm.model.kernel;

import java.util.List;
import java.util.random.RandomGenerator;
import lazymm.model.sim.Config;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;

/**
 * The kernel model as a target: today's kernel ({@code upstream}, v7.1.5), the other lazy-TLB
 * schemes done right, and the positive controls of the seed documents, each a variant that
 * changes only what its patch changed.
 */
public final class KernelTarget implements Target {

    private static Variant v(String id, String summary, String arch, String lazyTlb, String memory, String expects) {
        return v(id, summary, arch, lazyTlb, memory, 3, expects);
    }

    private static Variant v(String id, String summary, String arch, String lazyTlb, String memory, int cpus, String expects) {
        return new Variant(id, summary, new Config(id, arch, lazyTlb, memory, cpus), expects);
    }

    private static final List<Variant> VARIANTS = List.of(
            v("upstream", "today's kernel (v7.1.5): MMU_LAZY_TLB_REFCOUNT, x86 with its TLB flushing, PRIVATE_EXPEDITED membarrier users (TASK-MM-RACE's race is known, not repeated)", "x86", "refcount", "tso", null),
            v("shootdown", "MMU_LAZY_TLB_SHOOTDOWN as powerpc 64s selects it, today's hotplug", "powerpc", "shootdown", "weak", null),
            v("hazard", "the seed-003 hazard-pointer scheme done right (lazy_mm published on every lazy path, online CPUs scanned), x86", "x86", "hazard", "tso", null),
            v("hazard-batch", "the hazard scheme with Andy Lutomirski's lazily batched references in mm_unlazy_mm_count", "x86", "hazard-batch", "tso", null),
            v("hazard-arm64", "the hazard scheme done right on arm64 (the default iterator: online CPUs)", "arm64", "hazard", "weak", null),
            v("HP-HOTPLUG", "hazard pointers with the 5.13 offline path: finish_cpu mmdrop()s an uncounted idle->active_mm", "x86", "hazard", "tso", "UseAfterFree"),
            v("HP-CPUMASK", "hazard pointers iterating mm_cpumask on arm64, which never sets it", "arm64", "hazard", "weak", "UseAfterFree"),
            v("HP-X86-TRIM", "hazard pointers iterating mm_cpumask on x86, as the RFC did: today's x86 trims the bit of a CPU a flush sent to init_mm while its rq->lazy_mm still names the mm (found by lazymm)", "x86", "hazard", "tso", "UseAfterFree"),
            v("HP-WARN", "hazard pointers with Peter Zijlstra's WARN in mmdrop_lazy: must never fire", "x86", "hazard", "tso", null),
            v("membarrier", "membarrier users on today's kernel with task->mm as READ_ONCE / WRITE_ONCE (Andy Lutomirski's patch) and two fixes (SYNC-CORE-KTHREAD, GLOBAL-STALE-STATE)", "x86", "refcount", "tso", null),
            v("SYNC-CORE-KTHREAD", "membarrier SYNC_CORE on today's kernel: a kthread that kthread_use_mm()s the mm it holds lazily, then switches to a thread of that process, never serializes the core", "x86", "refcount", "tso", "MembarrierSyncCore"),
            v("GLOBAL-STALE-STATE", "membarrier GLOBAL_EXPEDITED on today's kernel: membarrier_switch_mm() skips prev_mm == next_mm, so a CPU keeps a stale rq->membarrier_state and is not IPI'd", "x86", "refcount", "tso", "MembarrierOrdering"),
            v("TASK-MM-RACE", "membarrier users on today's kernel: task->mm written plain, read remotely by membarrier", "x86", "refcount", "tso", "DataRace"),
            v("hazard-membarrier", "the hazard scheme done right with membarrier users (marked task->mm) on powerpc, whose switch_mm leaves kernel->user to finish_task_switch's barrier", "powerpc", "hazard", "weak", null),
            v("HP-NO-MB", "the hazard RFC without the barrier finish_task_switch's mmdrop gave membarrier, on powerpc (x86's switch_mm_irqs_off has its own)", "powerpc", "hazard", "weak", "MembarrierOrdering"),
            v("hazard-membarrier-x86", "the hazard scheme done right with membarrier users on x86 (marked task->mm, membarrier's core sync back in finish_task_switch)", "x86", "hazard", "tso", null),
            v("HP-NO-SYNC-CORE", "the hazard RFC without finish_task_switch's membarrier_mm_sync_core_before_usermode(), x86", "x86", "hazard", "tso", "MembarrierSyncCore"),
            v("X86-SWITCH-ORDER", "x86 switch_mm_irqs_off before fea4e317f9e7 (CVE-2025-37964): LOADED_MM_SWITCHING stored after the tlb_gen read", "x86", "refcount", "tso", "StaleTlb"),
            v("X86-SWITCH-MB", "x86 switch_mm_irqs_off before 83b0177a6c48 (CVE-2025-40174): no smp_mb() when the mm_cpumask bit is already set", "x86", "refcount", "tso", "StaleTlb"),
            v("SHOOT-TRIM", "shootdown with the pre-v6.14 offline path: powerpc trims mm_cpumask while the dying CPU is still lazy", "powerpc", "shootdown", "weak", "UseAfterFree"),
            v("arm64-asid", "today's arm64 ASID allocator under rollovers: 2 CPUs, 3 ASIDs besides #0, three or four processes, broadcast TLBI, weak memory", "arm64", "refcount", "weak", 2, null),
            v("ARM64-ASID-ZERO", "arm64 check_and_switch_context before a8ffaaa060b8: the fast path's xchg_relaxed overwrites a rollover's 0 in active_asids, and a second rollover gives two mms one ASID (found by Catalin Marinas' TLA+ model)", "arm64", "refcount", "weak", 2, "AsidClash"),
            v("lazymmu", "lazy MMU mode users (mprotect, vmalloc, nested, paused, in interrupts) on today's generic layer (seed 004) with Xen PV's backend and its context-switch hooks, Juergen Gross's May-2026 fix included (v7.1.5)", "x86", "refcount", "tso", null),
            v("lazymmu-arm64", "lazy MMU mode users on today's generic layer, arm64 (TIF_LAZY_MMU_PENDING deferred barriers)", "arm64", "refcount", "weak", null),
            v("lazymmu-powerpc", "lazy MMU mode users on today's generic layer, powerpc book3s64 hash (per-CPU ppc64_tlb_batch, preemption off in the mode)", "powerpc", "refcount", "weak", null),
            v("lazymmu-sparc", "lazy MMU mode users on today's generic layer, sparc64's per-CPU tlb_batch (on the x86 model's memory and mm switching)", "x86", "refcount", "tso", null),
            v("LAZYMMU-NEST", "lazy MMU mode before seed 004 on arm64 (1ef3095b1405: one TIF_LAZY_MMU flag, no nesting count): a nested section's leave ends lazy mode for the outer one", "arm64", "refcount", "weak", "LazyMmu"),
            v("LAZYMMU-PREEMPT", "seed 004's generic counters with 291b3abed657's Xen PV context-switch hooks, before Juergen Gross's fix: a task preempted between enable_count 0->1 and arch_enter_lazy_mmu_mode() is entered twice on a CPU", "x86", "refcount", "tso", "LazyMmu"),
            v("PPC-TRIM-KTHREAD", "powerpc radix before a665eec0a22e (v5.10): the single-threaded flush's mm_cpumask trim drops a kthread that kthread_use_mm()s the mm meanwhile, whose TLB later misses a local-only flush", "powerpc", "refcount", "weak", "StaleTlb"),
            v("s390-frag", "s390 before 6.8 (v6.5's pgalloc.c): two 2K PTE tables per page, tracked in page->_refcount, with c2c224932fd0's temporary P bit; khugepaged frees with pte_free", "s390", "refcount", "tso", null),
            v("S390-FRAG-RACE", "s390-frag with c2c224932fd0 reverted: page_table_free clears only the A bit, so __tlb_remove_table (an RCU callback) frees the page during its list_del", "s390", "refcount", "tso", "PgtableFragment"),
            v("S390-ALLOC-P", "s390-frag with page_table_alloc ignoring the P bits (Hugh Dickins' hunk Gerald Schaefer questions, seed 002): a half pending its RCU free is handed out again (0x13 / 0x23)", "s390", "refcount", "tso", "PgtableFragment"),
            v("S390-BH-DEADLOCK", "Hugh Dickins' s390 pte_free_defer patch of seed 002: __tlb_remove_table relinks under mm->context.lock in softirq, __tlb_flush_mm_lazy takes it with spin_lock (Gerald Schaefer's RCU stall)", "s390", "refcount", "tso", "IrqUnsafeLock"),
            v("s390-pte-free-defer", "s390 v6.6 (8211dad62798): pte_free_defer marks the page PG_active and call_rcu()s the whole page once both halves are free", "s390", "refcount", "tso", null),
            v("s390-4k", "s390 since v6.8 (d08d4e7cd6bf, as v7.1.5): a full 4K page per PTE table; what upstream runs on s390", "s390", "refcount", "tso", null));

    @Override public String id() { return "kernel"; }

    /**
     * 3: the x86 TLB model (user pages, zap, munmap) and every membarrier command changed every
     * schedule of version 1 (2 was a step between them).
     * 4: the arm64, powerpc and s390 models (ASID allocator, radix TLB, pgalloc.c), softirqs and
     * RCU callbacks, and synchronize_rcu() ordering as a grace period changed their schedules.
     */
    @Override public int modelVersion() { return 4; }

    @Override public List<Variant> variants() { return VARIANTS; }

    @Override public List<String> arches() { return Arch.ARCHES; }

    /**
     * The variant on another architecture, in the memory model that architecture needs
     * ({@link Arch#memoryModel}); {@code upstream} also takes the lazy-TLB scheme the
     * architecture selects (powerpc 64s: MMU_LAZY_TLB_SHOOTDOWN). The other variants keep their
     * scheme: it is what they are about. SHOOTDOWN needs an mm_cpumask, which arm64 does not keep.
     */
    @Override
    public Config onArch(Config cfg, String arch) {
        if (!Arch.ARCHES.contains(arch)) {
            throw new IllegalArgumentException("unknown arch '" + arch + "' (expected one of " + String.join(", ", Arch.ARCHES) + ")");
        }
        Config c = cfg.withArch(arch).withMemory(Arch.memoryModel(arch));
        if (cfg.variant().equals("upstream")) c = c.withLazyTlb(Arch.lazyTlbSelected(arch));
        if (c.lazyTlb().equals("shootdown") && arch.equals("arm64")) {
            throw new IllegalArgumentException("variant " + cfg.variant() + " uses MMU_LAZY_TLB_SHOOTDOWN, which needs an mm_cpumask, and arm64 does not maintain one");
        }
        return c;
    }

    @Override public Program defaultProgram(Config cfg) { return KernelPrograms.defaultProgram(cfg); }

    @Override public Program randomProgram(Config cfg, RandomGenerator rnd) { return KernelPrograms.randomProgram(cfg, rnd); }

    @Override public String validate(Config cfg, Program program) { return KernelPrograms.validate(cfg, program); }

    @Override
    public Instance create(Machine machine, Config cfg, Program program) { return new Kernel(machine, cfg, program); }
}
