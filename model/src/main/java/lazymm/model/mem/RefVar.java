package lazymm.model.mem;

/**
 * A pointer location ({@code struct mm_struct *mm}, {@code rq->curr}). The memory keeps the id of
 * the object; {@link Memory} maps ids back to objects.
 *
 * @param <T> the model type it points to
 */
public final class RefVar<T> extends Loc {

    private final Memory mem;

    RefVar(Memory mem, String name, int id, long init) {
        super(name, id, init);
        this.mem = mem;
    }

    /** The pointer in memory (not in any CPU's store buffer), for oracles and tests only. */
    @SuppressWarnings("unchecked")
    public T peek() { return (T) mem.object(val); }
}
