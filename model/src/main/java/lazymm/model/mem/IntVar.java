package lazymm.model.mem;

/**
 * An {@code int} (or {@code atomic_t}) location of the simulated memory. Only {@link Memory}
 * reads or writes it; model code holds it in a final field and goes through the marked-access
 * API, as kernel code goes through READ_ONCE and friends.
 */
public final class IntVar {

    final String name;
    int value;

    IntVar(String name, int init) {
        this.name = name;
        this.value = init;
    }

    /** The location's name in traces, e.g. {@code mm#1.mm_count}. */
    public String name() { return name; }

    /** The value in memory (not any CPU's store buffer), for oracles and tests only. */
    public int peek() { return value; }

    @Override public String toString() { return name; }
}
