package lazymm.model.agenttest;

import lazymm.model.mem.SharedAccess;

/**
 * Fixture: {@code Integer load()} is annotated; javac adds the bridge {@code Object load()} that
 * calls it. The bridge must get no yield point (the call it forwards to is the access).
 */
public class IntCell extends Cell<Integer> {
    @Override
    @SharedAccess
    public Integer load() { return 1; }
}
