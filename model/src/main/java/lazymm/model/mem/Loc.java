package lazymm.model.mem;

/**
 * One location of the simulated memory. Model code never reads or writes it directly: it holds
 * the location in a final field and goes through {@link Memory}, as kernel code goes through the
 * marked-access API. Values are longs; a pointer location keeps the id of its object (see
 * {@link RefVar}).
 *
 * <p>The fields below belong to the memory backends and the race detector.
 */
public abstract class Loc {

    final String name;
    /** Dense id, in creation order: the index of this location in views. */
    final int id;

    /** The value in memory (sc, tso); the newest message (weak). */
    long val;

    // weak: the coherence order of this location, oldest first
    long[] mval;
    int[][] mview;
    Object[] msync;
    int n;

    // tso: the race-detector sync of the newest store that reached memory
    Object memSync;

    // race detector: a known race that is not reported (Memory.knownRace), the last write and the reads since it
    boolean raceKnown;
    int wCpu = -1;
    int wEpoch;
    boolean wPlain;
    String wSite;
    AccessOrigin wOrigin;
    int[] rEpochPlain;
    int[] rEpochMarked;
    String[] rSite;
    AccessOrigin[] rOrigin;

    // conflicts (Machine#observesConflicts): the last write's CPU and site, the last read's since it
    int cwCpu = -1;
    String cwSite;
    int crCpu = -1;
    String crSite;

    /** How traces print a value of this location (Memory.showAs), or null. */
    java.util.function.LongFunction<String> shownAs;

    /** The object this location is a field of (for {@link Memory#kfree}), or null. */
    Object owner;
    /** Set when the owner was freed: where and by which CPU (KASAN's "freed by" record). */
    String freedAt;
    /** In the memory's index of pointers that may name a freed object (Memory.referencesToFreed). */
    boolean suspect;

    Loc(String name, int id, long init) {
        this.name = name;
        this.id = id;
        this.val = init;
    }

    /** The object this location is a field of (given to Memory's owned constructors), or null. */
    public Object owner() { return owner; }

    /** True once the location's owner was freed with Memory.kfree. */
    public boolean ownerFreed() { return freedAt != null; }

    /** The location's name in traces and reports, e.g. {@code mm#1.mm_count}. */
    public String name() { return name; }

    @Override public String toString() { return name; }
}
