package lazymm.model.agenttest;

import lazymm.model.mem.SharedAccess;

/** Fixture: an interface method that is a shared access. */
public interface Port {
    @SharedAccess
    void poke();

    /** An interface constant: static final, so reading it never yields. */
    int LIMIT = Integer.parseInt("3");
}
