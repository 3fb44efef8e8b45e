package lazymm.model.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import lazymm.model.sim.Config;
import lazymm.model.sim.Expect;
import lazymm.model.sim.Variant;

/**
 * One variant of the kernel model, declared as a kernel developer would describe it: the release
 * it is based on, the patches applied on it or reverted from it, the machine it runs on, what the
 * random programs exercise, and the outcome it must have. Everything else (the {@code list}
 * table, the tests' lists of controls, the README's table) is derived from these declarations;
 * the model itself only asks {@link KConfig#has(Patch)} at the lines each patch changes.
 *
 * <p>Declared in {@link Variants} with {@link #variant}: {@code variant("ID", "one line").reverts(
 * Patch.X).expects(Expect.violation("Kind")).build()}. A configuration the kernel cannot have
 * (reverting a patch the base does not have, applying a merged one it already has, a plant in a
 * listed variant) is refused when the declaration is built.
 *
 * @param id        the id on the command line and in reproducers
 * @param summary   one line: what it is, and for a control what goes wrong
 * @param base      the release whose code it runs: every modelled patch merged after it is out
 * @param applies   postings, proposed fixes and plants applied on the base
 * @param reverts   merged patches of the base taken out
 * @param arch      the architecture it runs on by default ({@code --arch} may move it)
 * @param memory    the memory model by default ({@code --memory} may weaken or strengthen it)
 * @param lazyTlb   the lazy-TLB scheme (CONFIG_MMU_LAZY_TLB_REFCOUNT, _SHOOTDOWN, or the hazard RFC)
 * @param cpus      the number of CPUs by default
 * @param workload  what its random programs exercise beyond processes, kthreads, exec, exit,
 *                  zap, munmap and hotplug
 * @param lazyMmuBackend the lazy MMU backend when it is not the arch's (sparc64 on the x86 model)
 * @param archScheme on another arch it takes the lazy-TLB scheme that arch selects (today's kernel)
 * @param features  the CPU features its machine has beyond the model's defaults (x86: X86_FEATURE_INVLPGB)
 * @param known     findings of other variants that this one knows and does not repeat
 * @param expect    clean, the violation kind it must produce, or under test
 * @param listed    shown by {@code list} and run by the catalog's tests; false for plants and
 *                  fixtures that only tests use
 * @param results   a plant's expected outcome per arch, each row with the search that shows it
 *                  (PlantResultsTest runs every row); empty for the other declarations
 */
public record KernelVariant(String id, String summary, Release base, Set<Patch> applies, Set<Patch> reverts,
                            CpuArch arch, MemoryModel memory, LazyTlb lazyTlb, int cpus, Set<Workload> workload,
                            LazyMmuBackend lazyMmuBackend, boolean archScheme, Set<CpuFeature> features, Set<Known> known,
                            Expect expect, boolean listed, List<Result> results) {

    /**
     * One row of a plant's expected results, as an LKMM litmus test's {@code Result:} line: on
     * {@code arch}, {@code search} ends with {@code expect}. A violation names a kind
     * ({@code UseAfterFree}), a signature ({@code AsidClash:tlb}), or alternatives separated by
     * {@code |}, the first report must match one of them; clean means no report within the
     * search's whole budget, and {@code why} then says why the plant is harmless there (redundant
     * on that arch, or what the model cannot show).
     */
    public record Result(CpuArch arch, Expect expect, String why, Search search) {
        public Result {
            if (expect.kind() == Expect.Kind.UNDER_TEST) throw new IllegalArgumentException("a result row is caught or clean, not under test");
            if (why == null || why.isBlank()) throw new IllegalArgumentException("a result row says why");
        }

        /** Whether a report with this kind and signature is the expected one. */
        public boolean matches(String kind, String signature) {
            if (expect.kind() != Expect.Kind.VIOLATION) return false;
            for (String alt : expect.violation().split("\\|")) {
                String a = alt.strip();
                if (a.contains(":") ? a.equals(signature) : a.equals(kind)) return true;
            }
            return false;
        }

        @Override public String toString() { return arch + ": " + expect + " by " + search; }
    }

    /**
     * How a result row is found: the strategy and its seed, the executions budget, the program
     * (null: random programs of the variant's workload), and what the row changes of the
     * variant's configuration on that arch (CPUs, lazy-TLB scheme; 0 and null keep it).
     */
    public record Search(String strategy, long seed, long executions, String program, int cpus, LazyTlb lazyTlb,
                         boolean stepChecks) {
        public static Search pct(long seed, long executions) { return new Search("pct", seed, executions, null, 0, null, true); }
        public static Search random(long seed, long executions) { return new Search("random", seed, executions, null, 0, null, true); }
        public Search program(String p) { return new Search(strategy, seed, executions, p, cpus, lazyTlb, stepChecks); }
        public Search cpus(int n) { return new Search(strategy, seed, executions, program, n, lazyTlb, stepChecks); }
        public Search lazyTlb(LazyTlb s) { return new Search(strategy, seed, executions, program, cpus, s, stepChecks); }
        public Search noStepChecks() { return new Search(strategy, seed, executions, program, cpus, lazyTlb, false); }

        @Override
        public String toString() {
            return strategy + " seed " + seed + ", " + executions + " executions"
                    + (cpus > 0 ? ", " + cpus + " CPUs" : "") + (lazyTlb != null ? ", " + lazyTlb.id : "")
                    + (stepChecks ? "" : ", no step checks") + (program != null ? ", program " + program : "");
        }
    }

    /** The architectures of the model. */
    public enum CpuArch {
        X86("x86"), ARM64("arm64"), POWERPC("powerpc"), S390("s390");

        public final String id;

        CpuArch(String id) { this.id = id; }

        /** The arch {@code --arch} names, or an error that lists them. */
        public static CpuArch of(String id) {
            for (CpuArch a : values()) if (a.id.equals(id)) return a;
            throw new IllegalArgumentException("unknown arch '" + id + "' (expected one of x86, arm64, powerpc, s390)");
        }

        /** The weakest memory model the arch needs: x86 and s390 keep every order but store->load. */
        public MemoryModel memory() { return this == X86 || this == S390 ? MemoryModel.TSO : MemoryModel.WEAK; }

        /** The lazy-TLB scheme the arch selects in today's kernel: powerpc 64s MMU_LAZY_TLB_SHOOTDOWN. */
        public LazyTlb scheme() { return this == POWERPC ? LazyTlb.SHOOTDOWN : LazyTlb.REFCOUNT; }

        @Override public String toString() { return id; }
    }

    /** The simulated memory's models (lazymm.model.mem): sequentially consistent, x86-TSO, LKMM-like weak. */
    public enum MemoryModel {
        SC("sc"), TSO("tso"), WEAK("weak");

        public final String id;

        MemoryModel(String id) { this.id = id; }

        @Override public String toString() { return id; }
    }

    /** What random programs exercise, beyond the process and kthread life cycles every variant runs. */
    public enum Workload {
        /** membarrier(2) users of MEMBARRIER_CMD_PRIVATE_EXPEDITED: registration, fast and slow paths. */
        MEMBARRIER_PRIVATE,
        /** ... and GLOBAL_EXPEDITED, PRIVATE_EXPEDITED_SYNC_CORE and _RSEQ with cpu_id. */
        MEMBARRIER_ALL,
        /** Lazy MMU mode users: mprotect, vmalloc, nested and paused sections, sections in interrupts. */
        LAZY_MMU,
        /** More address spaces than the arm64 model's ASIDs, so that the allocator rolls over. */
        ASID_ROLLOVER,
        /** No zap or munmap: a barrier plant is judged on membarrier alone, not on the TLB bug it also makes. */
        NO_TLB_OPS
    }

    /** The lazy MMU backend, when a variant runs another arch's on the model of its arch. */
    public enum LazyMmuBackend {
        /** sparc64's per-CPU tlb_batch, run on the x86 model (its TSO memory and its mm switching). */
        SPARC64
    }

    /**
     * A CPU feature the machine has beyond the model's defaults (cpu_feature_enabled() in the
     * kernel). The x86 model always has X86_FEATURE_PCID (it is the PCID model), so a feature that
     * needs PCID only needs x86.
     */
    public enum CpuFeature {
        /**
         * AMD's INVLPGB and TLBSYNC (CONFIG_BROADCAST_TLB_FLUSH, X86_FEATURE_INVLPGB; it depends on
         * X86_FEATURE_PCID): broadcast TLB invalidation with global ASIDs ({@code X86Invlpgb}).
         */
        X86_FEATURE_INVLPGB(CpuArch.X86),
        /**
         * An idle state with CPUIDLE_FLAG_TLB_FLUSHED (ACPI C3, intel_idle's deeper states):
         * cpuidle_enter_state() calls leave_mm() before entering it, which WARNs unless the CPU is
         * in lazy TLB mode. Whether a CPU with nothing to run picks that state is a scheduler choice.
         */
        CPUIDLE_FLAG_TLB_FLUSHED(CpuArch.X86);

        /** The one architecture that has it. */
        public final CpuArch arch;

        CpuFeature(CpuArch arch) { this.arch = arch; }

        /**
         * Refuses {@code arch} for a variant with this feature: the error names the variant, the
         * rule and what to run instead.
         */
        public void checkArch(String variant, CpuArch on) {
            if (on != arch) {
                throw new IllegalArgumentException("variant " + variant + " has " + name() + ", which only " + arch
                        + " has: run it with --arch " + arch + " (or run upstream on " + on + ")");
            }
        }
    }

    /** A finding of another variant that this one knows about and does not repeat. */
    public enum Known {
        /** TASK-MM-RACE: task->mm written plain and read remotely by membarrier (today's kernel). */
        TASK_MM_PLAIN
    }

    public KernelVariant {
        applies = Collections.unmodifiableSet(applies.isEmpty() ? EnumSet.noneOf(Patch.class) : EnumSet.copyOf(applies));
        reverts = Collections.unmodifiableSet(reverts.isEmpty() ? EnumSet.noneOf(Patch.class) : EnumSet.copyOf(reverts));
        workload = Collections.unmodifiableSet(workload.isEmpty() ? EnumSet.noneOf(Workload.class) : EnumSet.copyOf(workload));
        known = Collections.unmodifiableSet(known.isEmpty() ? EnumSet.noneOf(Known.class) : EnumSet.copyOf(known));
        features = Collections.unmodifiableSet(features.isEmpty() ? EnumSet.noneOf(CpuFeature.class) : EnumSet.copyOf(features));
        results = List.copyOf(results);
        List<String> wrong = new ArrayList<>();
        if (base.compareTo(Release.PIN) > 0) wrong.add("its base " + base + " is newer than the release the model follows, " + Release.PIN);
        for (Patch p : reverts) {
            if (p.kind != Patch.Kind.MERGED) wrong.add("it reverts " + p.id + ", which was never merged: only a merged patch can be reverted");
            else if (!base.includes(p.release)) wrong.add("it reverts " + p.id + " (" + p.release + "), which its base " + base + " does not have");
        }
        for (Patch p : applies) {
            if (p.kind == Patch.Kind.MERGED && base.includes(p.release)) {
                wrong.add("it applies " + p.id + ", which its base " + base + " already has (since " + p.release + ")");
            }
            if (p.kind == Patch.Kind.PLANT && listed) wrong.add("it is listed and applies the plant " + p.id + ": a plant is for tests only");
        }
        for (Patch p : Patch.values()) {
            if (p.requires != null && hasIn(p, base, applies, reverts) && !hasIn(p.requires, base, applies, reverts)) {
                wrong.add("it has " + p.id + " without " + p.requires.id + ", which " + p.id + " changes: revert both, or neither");
            }
        }
        boolean helpers = hasIn(Patch.LAZY_TLB_HELPERS, base, applies, reverts);
        boolean hpref = hasIn(Patch.HPREF_LAZY_MM, base, applies, reverts);
        String noScheme = schemeRefusal(lazyTlb, arch, helpers, hpref);
        if (noScheme != null) wrong.add("it runs " + noScheme);
        if (lazyMmuBackend != null && !workload.contains(Workload.LAZY_MMU)) wrong.add("it names a lazy MMU backend but runs no lazy MMU users");
        for (Result r : results) {
            LazyTlb scheme = r.search().lazyTlb() != null ? r.search().lazyTlb() : archScheme ? r.arch().scheme() : lazyTlb;
            String no = schemeRefusal(scheme, r.arch(), helpers, hpref);
            if (no != null) wrong.add("its result row " + r + " runs " + no);
        }
        for (CpuFeature f : features) {
            if (f.arch != arch) wrong.add("it has " + f.name() + ", which only " + f.arch + " has, on " + arch);
            for (Result r : results) if (r.arch() != f.arch) wrong.add("its result row " + r + " runs " + f.name() + " on " + r.arch());
        }
        if (cpus < 1 || cpus > 8) wrong.add("it asks for " + cpus + " CPUs (1 to 8)");
        if (!wrong.isEmpty()) throw new IllegalArgumentException("variant " + id + ": " + String.join("; ", wrong));
    }

    /** Whether the machine has the CPU feature. */
    public boolean has(CpuFeature f) { return features.contains(f); }

    /**
     * Why no kernel runs the lazy-TLB scheme on the arch, or null when one can. MMU_LAZY_TLB_SHOOTDOWN
     * is not a choice but a Kconfig symbol an arch selects, and of the model's only powerpc 64s does
     * (arch/powerpc/Kconfig: {@code select MMU_LAZY_TLB_SHOOTDOWN if PPC_BOOK3S_64}, in the series
     * of aa464ba9a1e4, v6.4), so powerpc book3s64 (the model's, radix or hash) has no REFCOUNT from
     * that series on, and x86 and s390 never SHOOTDOWN; arm64 cannot (no mm_cpumask). The hazard
     * RFC's schemes replace both; Mathieu Desnoyers' hpref RFC replaces SHOOTDOWN (its declared
     * scheme) with its slots, on any arch that keeps an mm_cpumask.
     *
     * @param helpers the kernel has aa464ba9a1e4's series
     * @param hpref   the kernel has the hpref RFC
     * @return "MMU_LAZY_TLB_... on ARCH, which ..." or null
     */
    public static String schemeRefusal(LazyTlb scheme, CpuArch arch, boolean helpers, boolean hpref) {
        if (scheme == LazyTlb.SHOOTDOWN && arch == CpuArch.ARM64) {
            return "MMU_LAZY_TLB_SHOOTDOWN on arm64, which does not maintain the mm_cpumask it needs";
        }
        if (scheme == LazyTlb.SHOOTDOWN && !hpref && arch != CpuArch.POWERPC) {
            return "MMU_LAZY_TLB_SHOOTDOWN on " + arch + ", which does not select it (only powerpc 64s does)";
        }
        if (scheme == LazyTlb.REFCOUNT && helpers && arch == CpuArch.POWERPC) {
            return "MMU_LAZY_TLB_REFCOUNT on powerpc 64s, which selects MMU_LAZY_TLB_SHOOTDOWN since v6.4 "
                    + "(the series of aa464ba9a1e4: a kernel before it refcounts)";
        }
        return null;
    }

    /** Why this variant's kernel cannot run {@code scheme} on {@code arch} (see {@link #schemeRefusal}), or null. */
    public String schemeRefusal(LazyTlb scheme, CpuArch arch) {
        return schemeRefusal(scheme, arch, has(Patch.LAZY_TLB_HELPERS), has(Patch.HPREF_LAZY_MM));
    }

    /** Whether the patch is in this variant's kernel: applied, or merged by its base and not reverted. */
    public boolean has(Patch p) { return hasIn(p, base, applies, reverts); }

    private static boolean hasIn(Patch p, Release base, Set<Patch> applies, Set<Patch> reverts) {
        if (applies.contains(p)) return true;
        return p.kind == Patch.Kind.MERGED && base.includes(p.release) && !reverts.contains(p);
    }

    /** The merged patches the model knows that this variant does not have (its base's age and its reverts). */
    public List<Patch> without() {
        List<Patch> out = new ArrayList<>();
        for (Patch p : Patch.values()) if (p.kind == Patch.Kind.MERGED && !has(p)) out.add(p);
        return out;
    }

    /** The harness's view: the id, the summary, the default configuration, the expected outcome. */
    public Variant toVariant() {
        return new Variant(id, summary, new Config(id, arch.id, lazyTlb.id, memory.id, cpus), expect, lineage());
    }

    /**
     * The configuration a result row runs in: this variant on the row's arch, in the memory model
     * the arch needs (and, with {@link #archScheme}, its lazy-TLB scheme), as {@code --arch} gives
     * it, with the row's CPUs and scheme when it names them.
     */
    public Config config(Result r) {
        LazyTlb scheme = r.search().lazyTlb() != null ? r.search().lazyTlb() : archScheme ? r.arch().scheme() : lazyTlb;
        return new Config(id, r.arch().id, scheme.id, r.arch().memory().id, r.search().cpus() > 0 ? r.search().cpus() : cpus);
    }

    /** What this variant's kernel is, one line each: the base, then each patch applied or reverted, and what the base is without. */
    public List<String> lineage() {
        List<String> out = new ArrayList<>();
        out.add("base " + base + (base.equals(Release.PIN) ? " (the model's pin)" : ""));
        for (CpuFeature f : features) out.add("with " + f.name());
        for (Patch p : applies) out.add("applies " + p);
        for (Patch p : reverts) out.add("reverts " + p);
        for (Patch p : without()) {
            if (!reverts.contains(p)) out.add("without " + p + ": merged after its base");
        }
        return out;
    }

    /** A new declaration with today's defaults: base {@link Release#PIN}, x86, TSO, refcount, 3 CPUs, clean. */
    public static Builder variant(String id, String summary) { return new Builder(id, summary); }

    /** A declaration that starts from this one's base, patches, machine, scheme (or the arch's) and workload. */
    public Builder derive(String newId, String newSummary) {
        Builder b = new Builder(newId, newSummary);
        b.base = base;
        b.applies.addAll(applies);
        b.reverts.addAll(reverts);
        b.arch = arch;
        b.memory = memory;
        b.lazyTlb = lazyTlb;
        b.cpus = cpus;
        b.workload.addAll(workload);
        b.lazyMmuBackend = lazyMmuBackend;
        b.features.addAll(features);
        b.archScheme = archScheme;
        b.known.addAll(known);
        return b;
    }

    /** Builds a declaration; each setter names one field of the record. */
    public static final class Builder {
        private final String id;
        private final String summary;
        private Release base = Release.PIN;
        private final Set<Patch> applies = EnumSet.noneOf(Patch.class);
        private final Set<Patch> reverts = EnumSet.noneOf(Patch.class);
        private CpuArch arch = CpuArch.X86;
        private MemoryModel memory = null;
        private LazyTlb lazyTlb = LazyTlb.REFCOUNT;
        private int cpus = 3;
        private final Set<Workload> workload = EnumSet.noneOf(Workload.class);
        private LazyMmuBackend lazyMmuBackend;
        private boolean archScheme;
        private final Set<CpuFeature> features = EnumSet.noneOf(CpuFeature.class);
        private final Set<Known> known = EnumSet.noneOf(Known.class);
        private Expect expect = Expect.CLEAN;
        private boolean listed = true;
        private final List<Result> results = new ArrayList<>();

        private Builder(String id, String summary) {
            this.id = id;
            this.summary = summary;
        }

        public Builder base(String tag) { base = Release.of(tag); return this; }
        public Builder applies(Patch... ps) { applies.addAll(List.of(ps)); return this; }
        /** Takes back a patch the declaration it derives from applies. */
        public Builder drops(Patch p) {
            if (!applies.remove(p)) throw new IllegalArgumentException("variant " + id + " drops " + p.id + ", which it does not apply");
            return this;
        }
        public Builder reverts(Patch... ps) { reverts.addAll(List.of(ps)); return this; }
        /** The arch; the memory model follows it (its {@link CpuArch#memory()}) unless {@link #memory} is called after. */
        public Builder arch(CpuArch a) { arch = a; memory = null; return this; }
        public Builder memory(MemoryModel m) { memory = m; return this; }
        /** The scheme; a variant that names its own keeps it on every arch (no {@link #archScheme}). */
        public Builder lazyTlb(LazyTlb s) { lazyTlb = s; archScheme = false; return this; }
        public Builder cpus(int n) { cpus = n; return this; }
        public Builder runs(Workload... ws) { workload.addAll(List.of(ws)); return this; }
        public Builder lazyMmuBackend(LazyMmuBackend b) { lazyMmuBackend = b; return this; }
        public Builder archScheme() { archScheme = true; return this; }
        /** CPU features beyond the model's defaults; {@link CpuFeature#arch} must be the variant's arch. */
        public Builder features(CpuFeature... fs) { features.addAll(List.of(fs)); return this; }
        public Builder knows(Known... ks) { known.addAll(List.of(ks)); return this; }
        public Builder expects(Expect e) { expect = e; return this; }
        public Builder unlisted() { listed = false; return this; }
        /** One row of the expected results: on {@code arch}, {@code search} ends with {@code expect}, because {@code why}. */
        public Builder result(CpuArch a, Expect e, String why, Search search) { results.add(new Result(a, e, why, search)); return this; }

        public KernelVariant build() {
            return new KernelVariant(id, summary, base, applies, reverts, arch, memory != null ? memory : arch.memory(),
                    lazyTlb, cpus, workload, lazyMmuBackend, archScheme, features, known, expect, listed, results);
        }
    }
}
