package lazymm.model.kernel;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.mem.RefVar;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Ghost;

/**
 * struct mm_struct (include/linux/mm_types.h, v7.1.5): the fields the lazy-mm, membarrier and
 * TLB paths touch, and a small user address space: one VMA of {@link #USER_PAGES} pages, one page
 * table (pmd -> {@link Pgtable}), the x86 mm->context (ctx_id, tlb_gen). Left out: the VMA tree
 * (one VMA, present or unmapped), mmap_lock (the page-table lock stands for it: faults, zaps and
 * munmap of one mm are serialized by it), rss counters (replaced by {@link #exitMmapDone}:
 * check_mm's "Bad rss-counter state" is "freed before exit_mmap ran").
 */
@KernelFile("include/linux/mm_types.h")
public final class MmStruct {

    /** {@code mm#1}, {@code mm#2}, ... or {@code init_mm}. */
    final String name;
    final boolean isInitMm;

    /** mm->mm_users: users of the address space (atomic_t). */
    final IntVar mmUsers;
    /** mm->mm_count: references to the struct; all users together hold one (atomic_t). */
    final IntVar mmCount;
    /** mm_cpumask(mm): one bit per CPU; what a bit means is the arch's business. */
    final IntVar cpumask;
    /** mm->membarrier_state. */
    final IntVar membarrierState;

    /** The user pages of the one VMA: virtual pages 0 .. USER_PAGES-1. */
    static final int USER_PAGES = 2;

    /** The pmd entry that maps the VMA's page table (pmd_populate / pmd_clear); null when none. */
    final RefVar<Pgtable> pmd;
    /** mm->page_table_lock (and the split pte lock: one lock for the one table). */
    final SpinLock ptl;
    /** x86 mm->context.ctx_id: unique, never reused (init_new_context: atomic64_inc_return(&last_mm_ctx_id)). */
    final long ctxId;
    /** x86 mm->context.tlb_gen (atomic64_t): bumped by every flush, compared by switch_mm and flush_tlb_func. */
    final IntVar tlbGen;

    /**
     * mm->tlb_flush_pending (atomic_t): mmu_gathers of this mm under way, between
     * tlb_gather_mmu()'s inc_tlb_flush_pending() and tlb_finish_mmu()'s dec_tlb_flush_pending().
     * A ghost counter, not a memory location: its accesses are no scheduling points, so each
     * takes effect with the step before it (see UserMm.tlbGatherMmu for why that is one of the
     * kernel's orders). Keeping them out of the schedule keeps every committed reproducer.
     */
    @Ghost int tlbFlushPending;

    /** The VMA is mapped (until munmap or exit_mmap removes it). */
    @Ghost boolean vma = true;

    /** The mm group of the program this mm was made for (0 for init_mm and exec'd mms). */
    @Ghost final int group;
    /** Set by __mmput after exit_mmap: the address space is torn down. */
    @Ghost boolean exitMmapDone;
    /** Set by __mmdrop when it frees the mm, and by whom. */
    @Ghost boolean freed;
    @Ghost String freedBy;
    /** The three innermost kernel functions that freed it: the signature of a use after it. */
    @Ghost String freedIn;
    /** The StaleTlb oracle's: pages whose PTE a madvise / munmap gather cleared and whose flush has not returned. */
    @Ghost final java.util.List<UserPage> gatherPending = new java.util.ArrayList<>();
    /** The membarrier oracles': when its registration for GLOBAL_EXPEDITED returned (0: never). */
    @Ghost long mbGlobalRegistered;
    /** The membarrier oracles': the newest code generation a successful SYNC_CORE call covers (0: none). */
    @Ghost long codeSynced;

    MmStruct(Memory mem, String name, boolean isInitMm, int group, int users, int count, long ctxId) {
        this.name = name;
        this.isInitMm = isInitMm;
        this.group = group;
        this.mmUsers = mem.intVar(this, name + ".mm_users", users);
        this.mmCount = mem.intVar(this, name + ".mm_count", count);
        this.cpumask = mem.intVar(this, name + ".cpumask", 0);
        this.membarrierState = mem.intVar(this, name + ".membarrier_state", 0);
        this.pmd = mem.refVar(this, name + ".pmd", null);
        this.ptl = mem.spinLock(this, name + ".page_table_lock");
        this.ctxId = ctxId;
        this.tlbGen = mem.intVar(this, name + ".context.tlb_gen", 0);  // init_new_context: atomic64_set(&tlb_gen, 0)
    }

    @Override public String toString() { return name; }
}
