package lazymm.model.mem;

/**
 * A pointer location of the simulated memory ({@code struct mm_struct *mm}, {@code rq->curr}).
 * Only {@link Memory} reads or writes it.
 *
 * @param <T> the model type it points to
 */
public final class RefVar<T> {

    final String name;
    T value;

    RefVar(String name, T init) {
        this.name = name;
        this.value = init;
    }

    public String name() { return name; }

    /** The value in memory (not any CPU's store buffer), for oracles and tests only. */
    public T peek() { return value; }

    @Override public String toString() { return name; }
}
