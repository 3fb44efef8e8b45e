package lazymm.model.kernel;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Ghost;

/**
 * struct mm_struct (include/linux/mm_types.h, v7.1.5): the fields the lazy-mm, membarrier and
 * TLB paths touch. Left out: the VMA tree, mmap_lock (exit_mm's read lock protects nothing this
 * model races on), rss counters (replaced by {@link #exitMmapDone}: check_mm's "Bad rss-counter
 * state" is "freed before exit_mmap ran").
 */
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
    /** A word of user memory, what user code touches ("run"). */
    final IntVar userPage;
    /** mm->membarrier_state. */
    final IntVar membarrierState;

    /** The mm group of the program this mm was made for (0 for init_mm and exec'd mms). */
    @Ghost final int group;
    /** Set by __mmput after exit_mmap: the address space is torn down. */
    @Ghost boolean exitMmapDone;
    /** Set by __mmdrop when it frees the mm, and by whom. */
    @Ghost boolean freed;
    @Ghost String freedBy;
    /** The three innermost kernel functions that freed it: the signature of a use after it. */
    @Ghost String freedIn;
    /** The membarrier oracles': when its registration for GLOBAL_EXPEDITED returned (0: never). */
    @Ghost long mbGlobalRegistered;
    /** The membarrier oracles': the newest code generation a successful SYNC_CORE call covers (0: none). */
    @Ghost long codeSynced;

    MmStruct(Memory mem, String name, boolean isInitMm, int group, int users, int count) {
        this.name = name;
        this.isInitMm = isInitMm;
        this.group = group;
        this.mmUsers = mem.intVar(this, name + ".mm_users", users);
        this.mmCount = mem.intVar(this, name + ".mm_count", count);
        this.cpumask = mem.intVar(this, name + ".cpumask", 0);
        this.userPage = mem.intVar(this, name + ".user_page", 0);
        this.membarrierState = mem.intVar(this, name + ".membarrier_state", 0);
    }

    @Override public String toString() { return name; }
}
