package lazymm.model.kernel;

import lazymm.model.kernel.KernelVariant.CpuArch;
import lazymm.model.kernel.KernelVariant.CpuFeature;
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

    /** The variant of {@code cfg}; a CPU feature its declaration has refuses another arch ({@code --arch}). */
    static KConfig of(Config cfg) {
        KernelVariant v = Variants.byId(cfg.variant());
        for (CpuFeature f : v.features()) f.checkArch(v.id(), CpuArch.of(cfg.arch()));
        return new KConfig(v, LazyTlb.of(cfg.lazyTlb()));
    }

    /** Whether the machine has the CPU feature: cpu_feature_enabled(), asked where the kernel asks it. */
    boolean has(CpuFeature f) { return variant.has(f); }

    /** Whether the patch is in this kernel (see {@link KernelVariant#has}). */
    boolean has(Patch p) { return variant.has(p); }

    /** Whether random programs exercise this. */
    boolean runs(Workload w) { return variant.workload().contains(w); }

    /** Whether a finding is known, reported by another variant and not repeated here. */
    boolean knows(Known k) { return variant.known().contains(k); }

    /** The lazy MMU backend when it is not the arch's, or null. */
    LazyMmuBackend lazyMmuBackend() { return variant.lazyMmuBackend(); }
}
