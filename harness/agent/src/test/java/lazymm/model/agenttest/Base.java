package lazymm.model.agenttest;

import lazymm.model.mem.SharedAccess;

/** Fixture: fields and an annotated method that {@link Fixture} inherits. */
public class Base {
    public int baseField;
    public final int baseFinal;

    public Base() { baseFinal = 4; }  // not a constant initializer, so reads are GETFIELDs

    @SharedAccess
    public void baseAccess() {}
}
