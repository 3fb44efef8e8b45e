package lazymm.model.kernel;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Ghost;

/**
 * A page-table page (struct ptdesc, include/linux/mm_types.h): the PTEs of one mm's VMA. A PTE
 * holds the page frame number of a {@link UserPage}, or 0 (pte_none). Allocated by the first
 * fault (pte_alloc / pmd_install), freed by free_pgtables after the TLB flush of munmap or
 * exit_mmap.
 */
@KernelFile("include/linux/mm_types.h")
final class Pgtable {

    final String name;
    final MmStruct mm;
    /** The PTEs: set_pte_at (WRITE_ONCE), ptep_get_and_clear (xchg), read by hardware walks. */
    final IntVar[] pte = new IntVar[MmStruct.USER_PAGES];

    /** Freed (tlb_remove_table), and by what: a walk that reaches it after that is a StaleTlb. */
    @Ghost boolean freed;
    @Ghost String freedBy;

    Pgtable(Memory mem, String name, MmStruct mm) {
        this.name = name;
        this.mm = mm;
        for (int va = 0; va < pte.length; va++) pte[va] = mem.intVar(this, name + ".pte[" + va + "]", 0);
    }

    @Override public String toString() { return name; }
}
