package lazymm.model.mem;

/** An {@code int}, {@code atomic_t} or {@code atomic64_t} location of the simulated memory. */
public final class IntVar extends Loc {

    IntVar(String name, int id, long init) { super(name, id, init); }

    /** The value in memory (not in any CPU's store buffer), for oracles and tests only. */
    public int peek() { return (int) val; }

    /** The 64-bit value in memory, for oracles and tests only. */
    public long peek64() { return val; }
}
