package lazymm.model.kernel;

import lazymm.model.kernel.KernelVariant.Known;
import lazymm.model.kernel.KernelVariant.LazyMmuBackend;
import lazymm.model.kernel.KernelVariant.Workload;
import lazymm.model.sim.Config;

/**
 * The variant as one kernel instance runs it: its declaration ({@link Variants}) and the lazy-TLB
 * scheme of the configuration (the command line may choose another). The model asks
 * {@link #has(Patch)} at the lines a patch changes, each marked {@code // PATCH: <id>}, and
 * nothing else about which variant it runs.
 */
record KConfig(KernelVariant variant, LazyTlb lazyTlb) {

    static KConfig of(Config cfg) { return new KConfig(Variants.byId(cfg.variant()), LazyTlb.of(cfg.lazyTlb())); }

    /** Whether the patch is in this kernel (see {@link KernelVariant#has}). */
    boolean has(Patch p) { return variant.has(p); }

    /** Whether random programs exercise this. */
    boolean runs(Workload w) { return variant.workload().contains(w); }

    /** Whether a finding is known, reported by another variant and not repeated here. */
    boolean knows(Known k) { return variant.known().contains(k); }

    /** The lazy MMU backend when it is not the arch's, or null. */
    LazyMmuBackend lazyMmuBackend() { return variant.lazyMmuBackend(); }
}
