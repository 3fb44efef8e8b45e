package lazymm.model.litmus;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The kernel primitives a litmus test may call, as tools/memory-model/linux-kernel.def names
 * them, with their argument shapes. Each maps to one method of {@code lazymm.model.mem.Memory}
 * ({@link MemOps} does the mapping), except {@code smp_store_mb} (WRITE_ONCE then smp_mb), the
 * {@code atomic_fetch_inc/dec} family (atomic_fetch_add/sub of 1) and {@code atomic_add_negative}
 * (atomic_add_return, then {@code < 0}), which are composed as linux-kernel.def composes them.
 *
 * <p>Argument shapes: {@code D} a location written as in C, {@code *x} (READ_ONCE, WRITE_ONCE,
 * rcu_dereference, rcu_assign_pointer, smp_store_mb); {@code L} a pointer to it, {@code x}
 * (everything else); {@code V} a value. In a {@link Ast.Call} the location is {@code loc}, and
 * the values are {@code a}, {@code b} in the order they appear.
 *
 * <p>RCU: {@code rcu_read_lock}, {@code rcu_read_unlock} and {@code synchronize_rcu} are run by
 * {@link LitmusInstance} (a grace period waits for the read-side critical sections that
 * started before it).
 *
 * <p>Left out: SRCU (srcu_*), the other RCU flavours and call_rcu, smp_cond_load_*,
 * smp_mb__after_unlock_lock, try_cmpxchg, atomic64_t and atomic_long_t, the _bh/_irq lock forms,
 * rwlocks; {@link #unsupported} names them so that the parser can say so.
 */
public enum Prim {
    PLAIN_READ("D", true, Need.VALUE),
    PLAIN_WRITE("DV", false, Need.VALUE),
    READ_ONCE("D", true, Need.VALUE),
    WRITE_ONCE("DV", false, Need.VALUE),
    SMP_LOAD_ACQUIRE("L", true, Need.VALUE),
    SMP_STORE_RELEASE("LV", false, Need.VALUE),
    RCU_DEREFERENCE("D", true, Need.VALUE),
    RCU_ASSIGN_POINTER("DV", false, Need.VALUE),
    SMP_STORE_MB("DV", false, Need.VALUE),

    SMP_MB("", false, Need.NONE),
    SMP_WMB("", false, Need.NONE),
    SMP_RMB("", false, Need.NONE),
    BARRIER("", false, Need.NONE),
    SMP_MB__BEFORE_ATOMIC("", false, Need.NONE),
    SMP_MB__AFTER_ATOMIC("", false, Need.NONE),
    SMP_MB__AFTER_SPINLOCK("", false, Need.NONE),
    RCU_READ_LOCK("", false, Need.NONE),
    RCU_READ_UNLOCK("", false, Need.NONE),
    SYNCHRONIZE_RCU("", false, Need.NONE),

    XCHG("LV", true, Need.VALUE),
    XCHG_RELAXED("LV", true, Need.VALUE),
    XCHG_ACQUIRE("LV", true, Need.VALUE),
    XCHG_RELEASE("LV", true, Need.VALUE),
    CMPXCHG("LVV", true, Need.VALUE),
    CMPXCHG_RELAXED("LVV", true, Need.VALUE),
    CMPXCHG_ACQUIRE("LVV", true, Need.VALUE),
    CMPXCHG_RELEASE("LVV", true, Need.VALUE),

    ATOMIC_READ("L", true, Need.INT),
    ATOMIC_READ_ACQUIRE("L", true, Need.INT),
    ATOMIC_SET("LV", false, Need.INT),
    ATOMIC_SET_RELEASE("LV", false, Need.INT),

    ATOMIC_INC("L", false, Need.INT),
    ATOMIC_DEC("L", false, Need.INT),
    ATOMIC_ADD("VL", false, Need.INT),
    ATOMIC_SUB("VL", false, Need.INT),
    ATOMIC_OR("VL", false, Need.INT),
    ATOMIC_AND("VL", false, Need.INT),
    ATOMIC_ANDNOT("VL", false, Need.INT),
    ATOMIC_XOR("VL", false, Need.INT),

    ATOMIC_INC_RETURN("L", true, Need.INT),
    ATOMIC_INC_RETURN_RELAXED("L", true, Need.INT),
    ATOMIC_INC_RETURN_ACQUIRE("L", true, Need.INT),
    ATOMIC_INC_RETURN_RELEASE("L", true, Need.INT),
    ATOMIC_DEC_RETURN("L", true, Need.INT),
    ATOMIC_DEC_RETURN_RELAXED("L", true, Need.INT),
    ATOMIC_DEC_RETURN_ACQUIRE("L", true, Need.INT),
    ATOMIC_DEC_RETURN_RELEASE("L", true, Need.INT),
    ATOMIC_ADD_RETURN("VL", true, Need.INT),
    ATOMIC_ADD_RETURN_RELAXED("VL", true, Need.INT),
    ATOMIC_ADD_RETURN_ACQUIRE("VL", true, Need.INT),
    ATOMIC_ADD_RETURN_RELEASE("VL", true, Need.INT),
    ATOMIC_SUB_RETURN("VL", true, Need.INT),
    ATOMIC_SUB_RETURN_RELAXED("VL", true, Need.INT),
    ATOMIC_SUB_RETURN_ACQUIRE("VL", true, Need.INT),
    ATOMIC_SUB_RETURN_RELEASE("VL", true, Need.INT),

    ATOMIC_FETCH_ADD("VL", true, Need.INT),
    ATOMIC_FETCH_ADD_RELAXED("VL", true, Need.INT),
    ATOMIC_FETCH_ADD_ACQUIRE("VL", true, Need.INT),
    ATOMIC_FETCH_ADD_RELEASE("VL", true, Need.INT),
    ATOMIC_FETCH_SUB("VL", true, Need.INT),
    ATOMIC_FETCH_SUB_RELAXED("VL", true, Need.INT),
    ATOMIC_FETCH_SUB_ACQUIRE("VL", true, Need.INT),
    ATOMIC_FETCH_SUB_RELEASE("VL", true, Need.INT),
    ATOMIC_FETCH_OR("VL", true, Need.INT),
    ATOMIC_FETCH_OR_RELAXED("VL", true, Need.INT),
    ATOMIC_FETCH_OR_ACQUIRE("VL", true, Need.INT),
    ATOMIC_FETCH_OR_RELEASE("VL", true, Need.INT),
    ATOMIC_FETCH_AND("VL", true, Need.INT),
    ATOMIC_FETCH_AND_RELAXED("VL", true, Need.INT),
    ATOMIC_FETCH_AND_ACQUIRE("VL", true, Need.INT),
    ATOMIC_FETCH_AND_RELEASE("VL", true, Need.INT),
    ATOMIC_FETCH_ANDNOT("VL", true, Need.INT),
    ATOMIC_FETCH_ANDNOT_RELAXED("VL", true, Need.INT),
    ATOMIC_FETCH_ANDNOT_ACQUIRE("VL", true, Need.INT),
    ATOMIC_FETCH_ANDNOT_RELEASE("VL", true, Need.INT),
    ATOMIC_FETCH_XOR("VL", true, Need.INT),
    ATOMIC_FETCH_XOR_RELAXED("VL", true, Need.INT),
    ATOMIC_FETCH_XOR_ACQUIRE("VL", true, Need.INT),
    ATOMIC_FETCH_XOR_RELEASE("VL", true, Need.INT),
    ATOMIC_FETCH_INC("L", true, Need.INT),
    ATOMIC_FETCH_INC_RELAXED("L", true, Need.INT),
    ATOMIC_FETCH_INC_ACQUIRE("L", true, Need.INT),
    ATOMIC_FETCH_INC_RELEASE("L", true, Need.INT),
    ATOMIC_FETCH_DEC("L", true, Need.INT),
    ATOMIC_FETCH_DEC_RELAXED("L", true, Need.INT),
    ATOMIC_FETCH_DEC_ACQUIRE("L", true, Need.INT),
    ATOMIC_FETCH_DEC_RELEASE("L", true, Need.INT),

    ATOMIC_XCHG("LV", true, Need.INT),
    ATOMIC_XCHG_RELAXED("LV", true, Need.INT),
    ATOMIC_XCHG_ACQUIRE("LV", true, Need.INT),
    ATOMIC_XCHG_RELEASE("LV", true, Need.INT),
    ATOMIC_CMPXCHG("LVV", true, Need.INT),
    ATOMIC_CMPXCHG_RELAXED("LVV", true, Need.INT),
    ATOMIC_CMPXCHG_ACQUIRE("LVV", true, Need.INT),
    ATOMIC_CMPXCHG_RELEASE("LVV", true, Need.INT),

    ATOMIC_DEC_AND_TEST("L", true, Need.INT),
    ATOMIC_INC_AND_TEST("L", true, Need.INT),
    ATOMIC_SUB_AND_TEST("VL", true, Need.INT),
    ATOMIC_ADD_NEGATIVE("VL", true, Need.INT),
    ATOMIC_ADD_UNLESS("LVV", true, Need.INT),
    ATOMIC_INC_NOT_ZERO("L", true, Need.INT),

    SPIN_LOCK("L", false, Need.LOCK),
    SPIN_UNLOCK("L", false, Need.LOCK),
    SPIN_TRYLOCK("L", true, Need.LOCK),
    SPIN_IS_LOCKED("L", true, Need.LOCK);

    /** What kind of location the primitive works on. */
    public enum Need {
        /** no location (barriers). */
        NONE,
        /** an int or a pointer location. */
        VALUE,
        /** an int (atomic_t) location. */
        INT,
        /** a spinlock_t. */
        LOCK;

        boolean accepts(Ast.Kind k) {
            return switch (this) {
                case NONE -> false;
                case VALUE -> k != Ast.Kind.LOCK;
                case INT -> k == Ast.Kind.INT;
                case LOCK -> k == Ast.Kind.LOCK;
            };
        }
    }

    /** The argument shape: D, L, V letters as in the class comment. */
    public final String shape;
    /** True if it returns a value (a load, an RMW, a test). */
    public final boolean returnsValue;
    public final Need need;

    Prim(String shape, boolean returnsValue, Need need) {
        this.shape = shape;
        this.returnsValue = returnsValue;
        this.need = need;
    }

    /** The C spelling. */
    public String cName() {
        return switch (this) {
            case PLAIN_READ -> "*x (plain load)";
            case PLAIN_WRITE -> "*x = v (plain store)";
            case READ_ONCE, WRITE_ONCE -> name();
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    private static final Map<String, Prim> BY_NAME = new HashMap<>();

    static {
        for (Prim p : values()) {
            if (p != PLAIN_READ && p != PLAIN_WRITE) BY_NAME.put(p.cName(), p);
        }
    }

    /** The primitive called {@code name} in C, or null. */
    public static Prim byName(String name) { return BY_NAME.get(name); }

    private static final List<String> RCU = List.of("rcu_", "srcu_", "synchronize_", "call_rcu",
            "call_srcu", "kfree_rcu", "cleanup_srcu_struct", "init_srcu_struct");
    private static final List<String> OTHER = List.of("smp_cond_load", "smp_mb__after_unlock_lock",
            "try_cmpxchg", "atomic_try_cmpxchg", "atomic64_", "atomic_long_", "spin_lock_", "spin_unlock_",
            "read_lock", "read_unlock", "write_lock", "write_unlock", "mutex_", "cmpxchg64", "xchg64",
            "local_irq", "preempt_", "smp_load_mb", "atomic_add_negative_", "atomic_dec_if_positive",
            "atomic_fetch_add_unless", "atomic_dec_unless", "atomic_inc_unless");

    /**
     * Why a kernel function that is not supported is not, or null when {@code name} is not one
     * the parser knows to be a kernel function (it is then simply unknown).
     */
    public static String unsupported(String name) {
        for (String p : RCU) {
            if (name.startsWith(p)) {
                return "unsupported: " + name + "() (of RCU, lazymm's litmus runner models rcu_read_lock, "
                        + "rcu_read_unlock, synchronize_rcu, rcu_dereference and rcu_assign_pointer; not SRCU)";
            }
        }
        for (String p : OTHER) {
            if (name.startsWith(p)) {
                return "unsupported: " + name + "() (not in lazymm's memory API)";
            }
        }
        return null;
    }
}
