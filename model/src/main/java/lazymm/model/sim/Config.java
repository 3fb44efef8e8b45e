package lazymm.model.sim;

/**
 * One configuration of the model: an immutable record, like a .config. A variant id carries its
 * defaults (see {@link Variant}); the command line may override the fields that make sense.
 *
 * @param variant the variant id: {@code upstream}, a seed-bug id, or an example id
 * @param arch    x86, arm64, powerpc, s390, or {@code none} for the example models
 * @param lazyTlb refcount, shootdown, hazard, or {@code none}
 * @param memory  sc, tso or weak
 * @param cpus    the number of model CPUs
 */
public record Config(String variant, String arch, String lazyTlb, String memory, int cpus) {

    /**
     * The most CPUs the model runs: its cpumasks (cpu_online_mask, mm_cpumask, the s390 attach
     * mask, the arm64 flush-pending mask) are words of its simulated memory, whose values are
     * 32-bit ints. A bigger count would alias CPU n with CPU n - 32 in every mask.
     */
    public static final int MAX_CPUS = 32;

    /** What the CPU count must be, for an error message: "1..32 (the model's cpumasks are 32-bit words)". */
    public static final String CPUS_BOUND = "1.." + MAX_CPUS + " (the model's cpumasks are 32-bit words)";

    public Config {
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new IllegalArgumentException("cpus must be " + CPUS_BOUND + ", got " + cpus);
        }
    }

    public Config withCpus(int n) { return new Config(variant, arch, lazyTlb, memory, n); }

    public Config withMemory(String m) { return new Config(variant, arch, lazyTlb, m, cpus); }

    public Config withArch(String a) { return new Config(variant, a, lazyTlb, memory, cpus); }

    public Config withLazyTlb(String s) { return new Config(variant, arch, s, memory, cpus); }

    @Override
    public String toString() {
        return variant + " (arch=" + arch + ", lazy_tlb=" + lazyTlb + ", memory=" + memory
                + ", cpus=" + cpus + ")";
    }
}
