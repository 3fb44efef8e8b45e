package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-CPU TLB batches: powerpc book3s64 hash's ppc64_tlb_batch
 * (arch/powerpc/include/asm/book3s/64/tlbflush-hash.h, arch/powerpc/mm/book3s64/hash_tlb.c) and
 * sparc64's tlb_batch (arch/sparc/include/asm/tlbflush_64.h, arch/sparc/mm/tlb.c), v7.1.5. Both
 * disable preemption in arch_enter_lazy_mmu_mode() (powerpc since b9ef323ea168, sparc since
 * "sparc/mm: disable preemption in lazy mmu mode"), queue PTE updates in this CPU's batch while
 * is_lazy_mmu_mode_active(), and flush it in arch_flush / arch_leave (which re-enables
 * preemption). The batch is per CPU, so a task must not leave the CPU in between: the oracle
 * reports a context switch away from an entered CPU, or with a non-empty batch.
 *
 * <p>Mutants MUT-b9ef323ea168 and MUT-a1d416bf9faf: the backend's arch_enter / arch_leave without
 * the preempt_disable() / preempt_enable() its fix added (the ghost count of entries stays).
 *
 * <p>Before the series: batch->active / tb->active, set by arch_enter and cleared by arch_leave,
 * is what hpte_need_flush / tlb_batch_add_one test (no interrupt bail-out).
 */
@KernelFile("arch/powerpc/mm/book3s64/hash_tlb.c")
abstract class LazyMmuBatch extends LazyMmuArch {

    /** index / tlb_nr and the entries: this CPU's batch. */
    private final List<List<LazyMmu.PteUpdate>> batch = new ArrayList<>();
    /** batch->active / tb->active (before the series). */
    private final boolean[] active;
    /** Ghost: arch enters not yet left on this CPU (preemption is off while > 0). */
    private final int[] entered;

    LazyMmuBatch(Kernel k, LazyMmu lm) {
        super(k, lm);
        int n = k.cfg.cpus();
        for (int c = 0; c < n; c++) batch.add(new ArrayList<>());
        active = new boolean[n];
        entered = new int[n];
    }

    /** The flush function's name, for reports. */
    abstract String flushName();

    @Override
    void archEnterLazyMmuMode() {
        /*
         * apply_to_page_range can call us this preempt enabled when
         * operating on kernel page tables.
         */
        if (disablesPreemption()) preemptDisable();  // PATCH: b9ef323ea168 (powerpc), PATCH: a1d416bf9faf (sparc): before them, not here
        int cpu = k.smpProcessorId();
        entered[cpu]++;
        if (!lm.series()) active[cpu] = true;  // batch->active = 1
    }

    @Override
    void archFlushLazyMmuMode() {
        List<LazyMmu.PteUpdate> b = batch.get(k.smpProcessorId());
        if (!b.isEmpty()) flushPending(b);
    }

    @Override
    void archLeaveLazyMmuMode() {
        archFlushLazyMmuMode();
        int cpu = k.smpProcessorId();
        if (!lm.series()) active[cpu] = false;  // batch->active = 0
        if (entered[cpu] == 0) throw imbalance("arch_leave_lazy_mmu_mode", "leave without enter");
        entered[cpu]--;
        if (disablesPreemption()) preemptEnable();  // PATCH: b9ef323ea168 (powerpc), PATCH: a1d416bf9faf (sparc): before them, not here
    }

    /** Whether arch_enter_lazy_mmu_mode() disables preemption (the backend's fix is in). */
    abstract boolean disablesPreemption();

    /** __flush_tlb_pending() / flush_tlb_pending(): flush_hash_range over the batch; index = 0. */
    private void flushPending(List<LazyMmu.PteUpdate> b) {
        for (LazyMmu.PteUpdate u : b) lm.visible(u);
        b.clear();
    }

    @Override
    boolean archLazyMmuModeActive() { return active[k.smpProcessorId()]; }

    /** hpte_need_flush() / tlb_batch_add_one(). */
    @Override
    boolean pteUpdated(LazyMmu.PteUpdate u) {
        /*
         * Check if we have an active batch on this CPU. If not, just
         * flush now and return.
         */
        if (!lm.isLazyMmuModeActive()) {
            lm.visible(u);  // flush_hash_page() / global_flush_tlb_page()
            return false;
        }
        batch.get(k.smpProcessorId()).add(u);
        return true;
    }

    @Override
    String pending() {
        return "cpu" + k.smpProcessorId() + "'s " + flushName() + " batch holds " + batch.get(k.smpProcessorId()).size();
    }

    @Override
    void startContextSwitch(TaskStruct prev) {
        int cpu = k.smpProcessorId();
        if (entered[cpu] > 0) {
            throw imbalance("schedule", prev + " is switched out of cpu" + cpu + " with arch_enter_lazy_mmu_mode() not left"
                    + " (preemption was disabled by it: scheduling while atomic)");
        }
        if (!batch.get(cpu).isEmpty()) {
            throw imbalance("schedule", "cpu" + cpu + "'s " + flushName() + " batch still holds " + batch.get(cpu)
                    + " at a context switch");
        }
    }

    /** powerpc book3s64 with the hash MMU. */
    static final class PowerpcHash extends LazyMmuBatch {
        PowerpcHash(Kernel k, LazyMmu lm) { super(k, lm); }

        @Override String name() { return "powerpc hash (ppc64_tlb_batch)"; }

        @Override String flushName() { return "ppc64_tlb_batch"; }

        @Override boolean disablesPreemption() { return k.kc.has(Patch.PPC_HASH_LAZY_MMU_PREEMPT); }  // PATCH: b9ef323ea168: before it, no preempt_disable() / preempt_enable() in arch_enter / arch_leave
    }

    /** sparc64. */
    static final class Sparc extends LazyMmuBatch {
        Sparc(Kernel k, LazyMmu lm) { super(k, lm); }

        @Override String name() { return "sparc64 (tlb_batch)"; }

        @Override String flushName() { return "tlb_batch"; }

        @Override boolean disablesPreemption() { return k.kc.has(Patch.SPARC_LAZY_MMU_PREEMPT); }  // PATCH: a1d416bf9faf: before it, no preempt_disable() / preempt_enable() in arch_enter / arch_leave
    }
}
