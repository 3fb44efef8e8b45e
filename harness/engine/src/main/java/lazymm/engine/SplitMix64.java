package lazymm.engine;

import java.util.random.RandomGenerator;

/**
 * The seeded choice source: SplitMix64 (Steele, Lea, Flood 2014), written out here so that the
 * same seed gives the same sequence on every JDK, whatever its own generators do.
 */
public final class SplitMix64 implements RandomGenerator {

    private long state;

    public SplitMix64(long seed) { this.state = seed; }

    @Override
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound) by Lemire's multiply-shift with rejection; bound &gt; 0. */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        long m = (nextLong() >>> 32) * bound;
        long l = m & 0xFFFFFFFFL;
        if (l < bound) {
            long t = (0x100000000L - bound) % bound;
            while (l < t) {
                m = (nextLong() >>> 32) * bound;
                l = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }
}
