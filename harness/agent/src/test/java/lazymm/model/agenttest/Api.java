package lazymm.model.agenttest;

import lazymm.model.mem.SharedAccess;

/** Fixture: a model-side API with annotated (shared access) and plain methods. */
public class Api {
    @SharedAccess
    public void access() {}

    @SharedAccess
    public static void staticAccess() {}

    public void notShared() {}
}
