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

    public Config {
        if (cpus < 1 || cpus > 64) {
            throw new IllegalArgumentException("cpus must be 1..64, got " + cpus);
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
