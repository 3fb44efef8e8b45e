package lazymm.engine.fuzz;

import java.util.random.RandomGenerator;

/**
 * A {@link RandomGenerator} that reads the fuzzer's bytes instead of a seed, so that a target's
 * own {@code randomProgram} turns bytes into a program in its vocabulary (new operations come for
 * free). When the bytes run out every draw is 0, which a target's generator takes as "the
 * smallest choice": short inputs give small programs. Never throws on any input.
 */
final class ByteRandom implements RandomGenerator {

    private final byte[] data;
    private int pos;
    private final int end;
    private final RandomGenerator rest;

    /** Reads {@code data[from..to)}, then 0. */
    ByteRandom(byte[] data, int from, int to) {
        this(data, from, to, null);
    }

    /** Reads {@code data[from..to)}, then the draws of {@code rest} (0 if null). */
    ByteRandom(byte[] data, int from, int to, RandomGenerator rest) {
        this.rest = rest;
        this.data = data;
        this.pos = Math.max(0, Math.min(from, data.length));
        this.end = Math.max(this.pos, Math.min(to, data.length));
    }

    private int next8() {
        if (pos < end) return data[pos++] & 0xff;
        return rest == null ? 0 : (int) (rest.nextLong() >>> 56);
    }

    /** The bytes read so far. */
    int used(int from) { return pos - from; }

    @Override
    public long nextLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | next8();
        return v;
    }

    @Override
    public int nextInt() {
        int v = 0;
        for (int i = 0; i < 4; i++) v = v << 8 | next8();
        return v;
    }

    /** One byte for bounds up to 256, two up to 65536, else four; the value modulo the bound. */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        if (bound == 1) return 0;
        int v;
        if (bound <= 256) v = next8();
        else if (bound <= 65536) v = next8() << 8 | next8();
        else v = nextInt() & 0x7fffffff;
        return v % bound;
    }

    @Override
    public int nextInt(int origin, int bound) {
        if (origin >= bound) throw new IllegalArgumentException("origin " + origin + " >= bound " + bound);
        long span = (long) bound - origin;
        if (span <= Integer.MAX_VALUE) return origin + nextInt((int) span);
        return (int) (origin + Long.remainderUnsigned(nextLong(), span));
    }

    @Override
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return bound <= Integer.MAX_VALUE ? nextInt((int) bound) : Long.remainderUnsigned(nextLong(), bound);
    }

    @Override
    public boolean nextBoolean() { return (next8() & 1) != 0; }

    @Override
    public double nextDouble() { return (next8() << 8 | next8()) / 65536.0; }

    @Override
    public float nextFloat() { return (float) nextDouble(); }
}
