package lazymm.model.kernel;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import lazymm.model.sim.Config;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import lazymm.model.sim.Variant;

/**
 * The kernel model as a target: today's kernel ({@code upstream}, {@link Release#PIN}), the other
 * lazy-TLB schemes done right, and the positive controls, each a variant declared in
 * {@link Variants} by the patches it applies or reverts.
 */
public final class KernelTarget implements Target {

    /** The listed declarations of {@link Variants}, as the harness sees them. */
    private static final List<Variant> VARIANTS = Variants.listed().stream().map(KernelVariant::toVariant).toList();

    @Override public String id() { return "kernel"; }

    /**
     * 3: the x86 TLB model (user pages, zap, munmap) and every membarrier command changed every
     * schedule of version 1 (2 was a step between them).
     * 4: the arm64, powerpc and s390 models (ASID allocator, radix TLB, pgalloc.c), softirqs and
     * RCU callbacks, and synchronize_rcu() ordering as a grace period changed their schedules.
     */
    @Override public int modelVersion() { return 4; }

    @Override public List<Variant> variants() { return VARIANTS; }

    /** Any declared variant: the listed ones, and the plants and fixtures the tests run by id. */
    @Override
    public Variant variant(String id) {
        KernelVariant v = Variants.all().get(id);
        return v == null ? null : v.toVariant();
    }

    @Override public List<String> arches() { return Arrays.stream(KernelVariant.CpuArch.values()).map(a -> a.id).toList(); }

    /**
     * The variant on another architecture, in the memory model that architecture needs
     * ({@link Arch#memoryModel}); {@code upstream} also takes the lazy-TLB scheme the
     * architecture selects (powerpc 64s: MMU_LAZY_TLB_SHOOTDOWN). The other variants keep their
     * scheme: it is what they are about. SHOOTDOWN needs an mm_cpumask, which arm64 does not keep.
     */
    @Override
    public Config onArch(Config cfg, String arch) {
        KernelVariant.CpuArch a = KernelVariant.CpuArch.of(arch);
        KernelVariant v = Variants.byId(cfg.variant());
        Config c = cfg.withArch(a.id).withMemory(a.memory().id);
        if (v.archScheme()) c = c.withLazyTlb(a.scheme().id);
        if (c.lazyTlb().equals(LazyTlb.SHOOTDOWN.id) && a == KernelVariant.CpuArch.ARM64) {
            throw new IllegalArgumentException("variant " + cfg.variant() + " uses MMU_LAZY_TLB_SHOOTDOWN, which needs an mm_cpumask, and arm64 does not maintain one");
        }
        String no = v.schemeRefusal(LazyTlb.of(c.lazyTlb()), a);
        if (no != null) {
            throw new IllegalArgumentException("variant " + cfg.variant() + " cannot run on " + a + ": no kernel has " + no);
        }
        return c;
    }

    @Override public Program defaultProgram(Config cfg) { return KernelPrograms.defaultProgram(cfg); }

    @Override public Program randomProgram(Config cfg, RandomGenerator rnd) { return KernelPrograms.randomProgram(cfg, rnd); }

    @Override public String validate(Config cfg, Program program) { return KernelPrograms.validate(cfg, program); }

    /** The lazy-TLB scheme, and SHOOTDOWN's need of an mm_cpumask (which {@link #onArch} also refuses). */
    @Override
    public String validate(Config cfg) {
        LazyTlb scheme;
        try {
            scheme = LazyTlb.of(cfg.lazyTlb());
        } catch (IllegalArgumentException e) {
            return "lazy_tlb: " + e.getMessage();
        }
        if (scheme == LazyTlb.SHOOTDOWN && cfg.arch().equals(KernelVariant.CpuArch.ARM64.id)) {
            return "lazy_tlb: shootdown needs an mm_cpumask, and arm64 does not maintain one";
        }
        KernelVariant v = Variants.all().get(cfg.variant());
        KernelVariant.CpuArch arch;
        try {
            arch = KernelVariant.CpuArch.of(cfg.arch());
        } catch (IllegalArgumentException e) {
            return null;  // the arch field's own check says it
        }
        String no = v == null ? null : v.schemeRefusal(scheme, arch);
        if (no != null) return "lazy_tlb: no kernel has " + no;
        // a memory model weaker than the arch's is a machine that does not exist: what it finds,
        // no kernel on that arch does (upstream --arch s390 --memory weak: a MembarrierOrdering)
        KernelVariant.MemoryModel need = arch.memory();
        for (KernelVariant.MemoryModel m : KernelVariant.MemoryModel.values()) {
            if (m.id.equals(cfg.memory()) && m.compareTo(need) > 0) {
                return "memory: " + m + " is weaker than " + arch + "'s " + need + ", and no " + arch
                        + " reorders so (" + need + " or a stronger mode: sc, tso, weak from strongest)";
            }
        }
        return null;
    }

    @Override
    public Instance create(Machine machine, Config cfg, Program program) { return new Kernel(machine, cfg, program); }
}
