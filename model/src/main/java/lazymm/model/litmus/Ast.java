package lazymm.model.litmus;

import java.util.List;

/**
 * The syntax tree of one LKMM C litmus test (the format of the kernel's
 * tools/memory-model/litmus-tests, as herd7 reads it), already resolved: registers are indices
 * into their process's register file, locations are indices into {@link LitmusTest#locations()},
 * and each call names its {@link Prim}.
 *
 * <p>Values are longs. An address (the value of a location parameter {@code x}, of {@code &x}, or
 * of a pointer loaded from a pointer location) is {@link #ADDR} plus the location's index; NULL
 * is 0. All nodes are records, so the interpreter reads only final fields (no yield points).
 *
 * <p>Left out of the format: loops, functions other than the kernel primitives of {@link Prim},
 * structs and arrays, pointer arithmetic, and SRCU (the parser rejects it by name).
 */
public final class Ast {

    private Ast() {}

    /** The value of the address of location {@code i}. */
    public static final long ADDR = 1L << 40;

    /** True if {@code v} is the address of some location. */
    public static boolean isAddr(long v) { return v >= ADDR && v < ADDR + Integer.MAX_VALUE; }

    /** A place in the source, 1-based. */
    public record Pos(int line, int col) {
        @Override public String toString() { return line + ":" + col; }
    }

    /** What kind of object a location is. */
    public enum Kind {
        /** int, atomic_t and the like: an {@code IntVar}. */
        INT,
        /** a pointer-valued location ({@code int *p}): a {@code RefVar}, its loads dependency-ordered. */
        PTR,
        /** spinlock_t. */
        LOCK;

        String cName() {
            return switch (this) {
                case INT -> "int";
                case PTR -> "pointer";
                case LOCK -> "spinlock_t";
            };
        }

        /** "an int location", "a pointer location", "a spinlock_t location". */
        String described() { return (this == INT ? "an " : "a ") + cName() + " location"; }
    }

    /**
     * A shared location.
     *
     * @param init its initial value (an int, or an address for a pointer location)
     */
    public record Location(String name, Kind kind, long init) {}

    // ---- expressions ----

    /** An expression of a process body. */
    public sealed interface Expr permits Num, Reg, Unary, Binary, Call {
        Pos pos();
    }

    /** An integer literal, or an address ({@code x}, {@code &x}). */
    public record Num(long value, Pos pos) implements Expr {}

    /** Register {@code index} of the running process. */
    public record Reg(int index, Pos pos) implements Expr {}

    /** {@code ! - ~}. */
    public record Unary(String op, Expr operand, Pos pos) implements Expr {}

    /** {@code + - & | ^ == != < <= > >= && ||} ({@code && ||} short-circuit, as in C). */
    public record Binary(String op, Expr left, Expr right, Pos pos) implements Expr {}

    /**
     * A shared access: a kernel primitive, or a plain load {@code *p} ({@link Prim#PLAIN_READ}) or
     * store {@code *p = v} ({@link Prim#PLAIN_WRITE}). {@code loc} evaluates to the address of the
     * location accessed (null for barriers); {@code a} and {@code b} are the value operands, in the
     * order of {@link Prim}'s documentation (null when absent).
     */
    public record Call(Prim prim, Expr loc, Expr a, Expr b, Pos pos) implements Expr {}

    // ---- statements ----

    /** A statement of a process body. */
    public sealed interface Stmt permits Assign, Eval, If {}

    /** {@code r = e;} */
    public record Assign(int reg, Expr value) implements Stmt {}

    /** {@code f(...);} or {@code *p = v;}: an expression for its effect. */
    public record Eval(Expr expr) implements Stmt {}

    /** {@code if (cond) {...} else {...}}. */
    public record If(Expr cond, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}

    /** Process {@code P<index>}: its registers (names, initial values) and body. */
    public record Process(int index, List<String> regs, long[] regInit, List<Stmt> body) {}

    // ---- the final clause ----

    /** One value the final state records: a register of a process, or a location. */
    public record Key(int proc, int reg, int loc, String text) {
        public boolean isReg() { return proc >= 0; }

        @Override public String toString() { return text; }
    }

    /** A proposition over the final state (herd7's {@code /\ \/ ~ =>}). */
    public sealed interface Prop permits Atom, Not, And, Or, Implies, Const {
        /** Whether it holds of a final state ({@code values[k]} is the value of key k). */
        boolean holds(long[] values);
    }

    /** {@code key = value} (or {@code !=}). */
    public record Atom(int key, long value, boolean equal) implements Prop {
        public boolean holds(long[] v) { return (v[key] == value) == equal; }
    }

    public record Not(Prop p) implements Prop {
        public boolean holds(long[] v) { return !p.holds(v); }
    }

    public record And(Prop l, Prop r) implements Prop {
        public boolean holds(long[] v) { return l.holds(v) && r.holds(v); }
    }

    public record Or(Prop l, Prop r) implements Prop {
        public boolean holds(long[] v) { return l.holds(v) || r.holds(v); }
    }

    public record Implies(Prop l, Prop r) implements Prop {
        public boolean holds(long[] v) { return !l.holds(v) || r.holds(v); }
    }

    /** {@code true} or {@code false}. */
    public record Const(boolean value) implements Prop {
        public boolean holds(long[] v) { return value; }
    }

    /** The quantifier of the final condition. */
    public enum Quantifier {
        EXISTS("exists"), NOT_EXISTS("~exists"), FORALL("forall");

        public final String text;

        Quantifier(String text) { this.text = text; }
    }
}
