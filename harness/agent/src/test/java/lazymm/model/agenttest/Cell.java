package lazymm.model.agenttest;

/** Fixture: a generic base, so that {@link IntCell} gets a bridge method. */
public abstract class Cell<T> {
    public abstract T load();
}
