package lazymm.model.mem;

/**
 * A {@code spinlock_t}: a lock word (0 free, 1 held) with acquire semantics on lock and release
 * semantics on unlock. Which CPU holds it and in which context is kept for deadlock and
 * irq-safety checks.
 */
public final class SpinLock extends Loc {

    /** The CPU holding the lock, or -1. Bookkeeping for reports, not simulated memory. */
    int owner = -1;
    String ownerSite = "";

    SpinLock(String name, int id) { super(name, id, 0); }

    /** True if some CPU holds the lock (in memory), for oracles and tests only. */
    public boolean peekLocked() { return val != 0; }
}
