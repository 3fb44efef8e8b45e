package lazymm.model.mem;

/** The arithmetic of a read-modify-write: what it writes given what it read, and whether it writes. */
enum Rmw {
    ADD, SUB, OR, AND, ANDNOT, XOR, XCHG, CMPXCHG, ADD_UNLESS;

    /** The new value, given the old one and the operands. */
    long apply(long old, long a, long b) {
        return switch (this) {
            case ADD, ADD_UNLESS -> old + a;
            case SUB -> old - a;
            case OR -> old | a;
            case AND -> old & a;
            case ANDNOT -> old & ~a;
            case XOR -> old ^ a;
            case XCHG -> a;
            case CMPXCHG -> b;
        };
    }

    /** False when the operation fails and writes nothing (cmpxchg mismatch, add_unless hit). */
    boolean writes(long old, long a, long b) {
        return switch (this) {
            case CMPXCHG -> old == a;
            case ADD_UNLESS -> old != b;
            default -> true;
        };
    }
}
