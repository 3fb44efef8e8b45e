package lazymm.model.mem;

/** The ordering of a read-modify-write, as the kernel spells it in the suffix. */
enum Order {
    /** {@code _relaxed}, and the void atomics: no ordering. */
    RELAXED,
    /** {@code _acquire}: later accesses stay after it. */
    ACQUIRE,
    /** {@code _release}: earlier accesses stay before it. */
    RELEASE,
    /** No suffix on a value-returning RMW: a full barrier on each side (smp_mb(); op; smp_mb()). */
    FULL,
    /**
     * spin_lock's acquisition: an acquire, and in LKMM also a cumulative fence for the stores
     * that follow it (po-unlock-rf-lock-po is part of cumul-fence): what the previous holder
     * published with its unlock is published again by this CPU's later stores.
     */
    LOCK
}
