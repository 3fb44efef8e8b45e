package lazymm.model.kernel;

/** How a lazily used mm is kept alive: the Kconfig choice, and the seed 003 RFC. */
public enum LazyTlb {
    /** CONFIG_MMU_LAZY_TLB_REFCOUNT=y (the default): every lazy use holds an mm_count reference. */
    REFCOUNT("refcount"),
    /** CONFIG_MMU_LAZY_TLB_SHOOTDOWN=y (powerpc 64s): no count; __mmdrop IPIs mm_cpumask. */
    SHOOTDOWN("shootdown"),
    /** The hazard-pointer RFC as Peter Zijlstra cleaned it up: rq->lazy_mm / rq->drop_mm. */
    HAZARD("hazard"),
    /** The same with Andy Lutomirski's proposed lazy batching of the references in mm_unlazy_mm_count. */
    HAZARD_BATCH("hazard-batch");

    final String id;

    LazyTlb(String id) { this.id = id; }

    static LazyTlb of(String id) {
        for (LazyTlb s : values()) {
            if (s.id.equals(id)) return s;
        }
        throw new IllegalArgumentException("unknown lazy-TLB scheme '" + id + "' (expected refcount, shootdown, hazard or hazard-batch)");
    }

    boolean hazard() { return this == HAZARD || this == HAZARD_BATCH; }

    /** IS_ENABLED(CONFIG_MMU_LAZY_TLB_REFCOUNT). */
    boolean refcount() { return this == REFCOUNT; }
}
