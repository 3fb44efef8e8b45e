package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.mem.IntVar;

/**
 * Who uses the lazy MMU mode (v7.1.5), the shapes of their page-table loops, each a program
 * operation:
 * <ul>
 *   <li>{@code mprotect}: change_pte_range() (mm/mprotect.c): under the PTE lock,
 *       lazy_mmu_mode_enable(), two PTEs changed, lazy_mmu_mode_disable() (zap_pte_range,
 *       copy_pte_range and move_ptes have the same shape);
 *   <li>{@code vmap}: apply_to_pte_range(&init_mm, ...) (mm/memory.c; vmalloc, set_memory_*):
 *       kernel PTEs, no lock, so preemptible under CONFIG_PREEMPT (38e0edb15bd0): the task may
 *       be preempted anywhere in the section, inside lazy_mmu_mode_enable() too;
 *   <li>{@code lazynest}: zap_pte_range() with DEBUG_PAGEALLOC: the mmu_gather's batch page is
 *       allocated (tlb_next_batch, GFP_NOWAIT) inside the section, and debug_pagealloc_map_pages()
 *       maps it with apply_to_page_range(): a nested section (the nesting that seed 004 set out to
 *       support; 1ef3095b1405 tolerated it on arm64);
 *   <li>{@code pause}: an apply_to_page_range(&init_mm) section whose callback pauses the mode as
 *       kasan_populate_vmalloc_pte() does (mm/kasan/shadow.c), around code that may sleep (what a
 *       pause makes legal; kasan's own callback only takes init_mm.page_table_lock there);
 *   <li>{@code lazyirq}: an interrupt that changes a kernel mapping through the lazy MMU API
 *       (KFENCE or DEBUG_PAGEALLOC freeing in softirq, b81c688426a9): the task IPIs the other
 *       online CPUs, whose handlers run enable / PTE update / disable in interrupt context, where
 *       the API bails out.
 * </ul>
 * The user PTEs here are the lazy MMU model's own (one per mm and slot), not the ones the
 * x86 MMU model translates: these operations change protections and mappings no user access
 * checks.
 */
@KernelFile("mm/mprotect.c")
final class LazyMmuUsers {

    private final Kernel k;
    private final LazyMmu lm;
    /** The user PTEs of each mm, by mm name. */
    private final List<MmStruct> ptesOf = new ArrayList<>();
    private final List<IntVar[]> ptes = new ArrayList<>();

    LazyMmuUsers(Kernel k, LazyMmu lm) {
        this.k = k;
        this.lm = lm;
    }

    private IntVar userPte(MmStruct mm, int i) {
        int at = ptesOf.indexOf(mm);
        if (at < 0) {
            ptesOf.add(mm);
            ptes.add(new IntVar[] {k.mem.intVar(mm + ".pte[0]", 0), k.mem.intVar(mm + ".pte[1]", 0)});
            at = ptesOf.size() - 1;
        }
        return ptes.get(at)[i];
    }

    /** spin_lock(ptl): preemption off (the lock itself is not modelled: each mm's PTEs are its own tasks'). */
    private void ptlLock() { k.current().preemptCount++; }

    /** spin_unlock(ptl): preempt_enable(), a preemption point. */
    private void ptlUnlock() {
        k.current().preemptCount--;
        k.preemptPoint();
    }

    /** change_pte_range(): the PTE lock, one lazy MMU section, two PTEs. */
    void changePteRange(TaskStruct t) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null || !lm.enabled()) return;
        ptlLock();  // pte_offset_map_lock()
        lm.lazyMmuModeEnable();
        lm.setPte(userPte(mm, 0), "change_pte_range(" + mm + ", pte[0])");  // ptep_modify_prot_commit()
        lm.setPte(userPte(mm, 1), "change_pte_range(" + mm + ", pte[1])");
        lm.lazyMmuModeDisable();
        ptlUnlock();  // pte_unmap_unlock()
    }

    /** apply_to_pte_range(&init_mm, ...): the task's own vmalloc area, preemptible. */
    void applyToPageRange(TaskStruct t) {
        if (!lm.enabled()) return;
        IntVar pte = lm.kernelPte(t.pid);
        lm.lazyMmuModeEnable();
        lm.setPte(pte, "apply_to_pte_range(init_mm, area " + t.pid + ")");
        k.preemptPoint();  // CONFIG_PREEMPT: the next PTE of the loop
        lm.setPte(pte, "apply_to_pte_range(init_mm, area " + t.pid + ")");
        lm.lazyMmuModeDisable();
    }

    /** zap_pte_range() with DEBUG_PAGEALLOC: a nested apply_to_page_range() section inside. */
    void zapPteRangeNested(TaskStruct t) {
        MmStruct mm = k.mem.read(t.mm);
        if (mm == null || !lm.enabled()) return;
        ptlLock();
        lm.lazyMmuModeEnable();
        lm.setPte(userPte(mm, 0), "zap_pte_range(" + mm + ", pte[0])");  // ptep_get_and_clear_full()
        // tlb_next_batch(): __get_free_page(GFP_NOWAIT) -> debug_pagealloc_map_pages() ->
        // __kernel_map_pages() -> apply_to_page_range(&init_mm): a nested section
        lm.lazyMmuModeEnable();
        lm.setPte(lm.kernelPte(t.pid), "__kernel_map_pages(area " + t.pid + ")");
        lm.lazyMmuModeDisable();
        lm.setPte(userPte(mm, 1), "zap_pte_range(" + mm + ", pte[1])");
        lm.lazyMmuModeDisable();
        ptlUnlock();
    }

    /** apply_to_page_range(&init_mm, cb) whose callback pauses the mode around code that may sleep. */
    void applyWithPause(TaskStruct t) {
        if (!lm.enabled()) return;
        IntVar pte = lm.kernelPte(t.pid);
        boolean plant = k.kc.has(Patch.PLANT_LAZYMMU_SLEEP);  // PATCH: plant-lazymmu-sleep
        lm.lazyMmuModeEnable();
        if (!plant) lm.lazyMmuModePause();  // PATCH: plant-lazymmu-sleep: no pause around the sleep
        lm.mightSleep("alloc_pages(GFP_KERNEL)");
        k.core.schedule();  // the allocation sleeps (a voluntary schedule)
        k.current().preemptCount++;  // spin_lock(&init_mm.page_table_lock)
        lm.setPte(pte, "kasan_populate_vmalloc_pte(area " + t.pid + ")");  // set_pte_at()
        k.current().preemptCount--;  // spin_unlock()
        if (!plant) lm.lazyMmuModeResume();
        lm.lazyMmuModeDisable();
    }

    /** The IPI: the other online CPUs change a kernel mapping in interrupt context. */
    void interruptMapping(TaskStruct t) {
        if (!lm.enabled()) return;
        long mask = ((1L << k.cpus()) - 1) & ~(1L << k.smpProcessorId());
        k.smp.onEachCpuMask(mask, this::irqHandler, false, "debug_pagealloc");
    }

    /** In interrupt context (in_interrupt()): the lazy MMU calls bail out, the update is immediate. */
    private void irqHandler() {
        int cpu = k.smpProcessorId();
        lm.lazyMmuModeEnable();
        lm.setPte(lm.kernelPte(1000 + cpu), "__kernel_map_pages in interrupt (area irq" + cpu + ")");
        lm.lazyMmuModeDisable();
    }
}
