package lazymm.engine.strategy;

/**
 * The state hashes a stateful search has explored from: an open-addressing table of longs
 * (8 bytes a state, where a {@code HashSet<Long>} takes some 50) that stops growing at
 * {@code max} states. Once full, {@link #add} answers true for every state it does not hold: the
 * search prunes less from then on, never more, so it stays exhaustive and its memory bounded.
 */
final class StateSet {

    /** The empty slot; the hash 0 is kept aside in {@link #hasZero}. */
    private static final long EMPTY = 0;

    private final int max;
    private long[] table = new long[1 << 12];
    private int size;
    private boolean hasZero;

    StateSet(int max) { this.max = max; }

    /** Whether the table is full (new states are no longer remembered). */
    boolean full() { return size >= max; }

    int size() { return size; }

    /** Adds {@code h}; true if it was not there (or the table is full and it is not there). */
    boolean add(long h) {
        if (h == EMPTY) {
            if (hasZero) return false;
            if (full()) return true;
            hasZero = true;
            size++;
            return true;
        }
        int mask = table.length - 1;
        int i = mix(h) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == h) return false;
            i = (i + 1) & mask;
        }
        if (full()) return true;
        table[i] = h;
        size++;
        if (size * 2L > table.length) grow();
        return true;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long h : old) {
            if (h == EMPTY) continue;
            int i = mix(h) & mask;
            while (table[i] != EMPTY) i = (i + 1) & mask;
            table[i] = h;
        }
    }

    private static int mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }
}
