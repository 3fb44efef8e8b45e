package lazymm.model.sim;

import java.util.Objects;

/**
 * An oracle's verdict: what the kernel's own tools would have reported. Thrown from model code
 * (or by the engine, for Deadlock and Livelock) and carried out of the execution unchanged.
 *
 * <p>{@link #signature()} is stable across runs and schedules: the kind and the kernel functions
 * involved, never values or ordinals. Fuzz and explore deduplicate findings by it, and replay
 * checks that a reproducer still ends in it.
 */
public final class Violation extends RuntimeException {

    private final String kind;
    private final String signature;

    /**
     * @param kind      the oracle, e.g. {@code UseAfterFree}, {@code LostUpdate}, {@code Deadlock}
     * @param where     the kernel functions (or model sites) that identify the bug, e.g.
     *                  {@code "__mmdrop<-finish_cpu"}; with the kind it makes the signature
     * @param message   the values and sites that explain it, for a human
     */
    public Violation(String kind, String where, String message) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind);
        this.signature = where == null || where.isEmpty() ? kind : kind + ":" + where;
    }

    public String kind() { return kind; }

    public String signature() { return signature; }

    @Override
    public String toString() {
        return signature + ": " + getMessage();
    }
}
