package lazymm.model.litmus;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.mem.RefVar;
import lazymm.model.mem.SpinLock;

/**
 * Performs one kernel primitive of a litmus test on the simulated memory: one call of the
 * {@link Memory} method of the same name (the agent puts the yield point before that call), or
 * two for {@code smp_store_mb}. The compositions follow tools/memory-model/linux-kernel.def:
 * {@code rcu_dereference} is READ_ONCE (on a pointer location its loads are dependency-ordered,
 * as every load of a {@code RefVar}), {@code rcu_assign_pointer} is smp_store_release,
 * {@code smp_store_mb} is WRITE_ONCE then smp_mb, {@code atomic_fetch_inc/dec} are
 * atomic_fetch_add/sub of 1, {@code atomic_add_negative} is atomic_add_return then {@code < 0}.
 *
 * <p>Booleans come back as 1 or 0, void primitives as 0, pointers as {@link Ast#ADDR} plus the
 * location's index. Values have been checked by the caller ({@link LitmusInstance}); only
 * final fields here, so the bookkeeping adds no yield points.
 */
final class MemOps {

    /** The address of location {@code index}: what a pointer location holds. */
    record Addr(int index) {}

    private final Memory mem;

    MemOps(Memory mem) { this.mem = mem; }

    /** A primitive without a location: a barrier. */
    long fence(Prim p) {
        switch (p) {
            case SMP_MB -> mem.smpMb();
            case SMP_WMB -> mem.smpWmb();
            case SMP_RMB -> mem.smpRmb();
            case BARRIER -> mem.barrier();
            case SMP_MB__BEFORE_ATOMIC -> mem.smpMbBeforeAtomic();
            case SMP_MB__AFTER_ATOMIC -> mem.smpMbAfterAtomic();
            case SMP_MB__AFTER_SPINLOCK -> mem.smpMbAfterSpinlock();
            default -> throw new IllegalArgumentException(p + " is no barrier");
        }
        return 0;
    }

    long lock(Prim p, SpinLock l) {
        return switch (p) {
            case SPIN_LOCK -> { mem.spinLock(l); yield 0; }
            case SPIN_UNLOCK -> { mem.spinUnlock(l); yield 0; }
            case SPIN_TRYLOCK -> mem.spinTrylock(l) ? 1 : 0;
            case SPIN_IS_LOCKED -> mem.spinIsLocked(l) ? 1 : 0;
            default -> throw new IllegalArgumentException(p + " is no lock operation");
        };
    }

    /** A primitive on an int location; {@code a}, {@code b} are its value operands. */
    long onInt(Prim p, IntVar v, int a, int b) {
        return switch (p) {
            case PLAIN_READ -> mem.read(v);
            case PLAIN_WRITE -> { mem.write(v, a); yield 0; }
            case READ_ONCE -> mem.readOnce(v);
            case WRITE_ONCE -> { mem.writeOnce(v, a); yield 0; }
            case SMP_LOAD_ACQUIRE -> mem.smpLoadAcquire(v);
            case SMP_STORE_RELEASE -> { mem.smpStoreRelease(v, a); yield 0; }
            case RCU_DEREFERENCE -> mem.readOnce(v);
            case RCU_ASSIGN_POINTER -> { mem.smpStoreRelease(v, a); yield 0; }
            case SMP_STORE_MB -> { mem.writeOnce(v, a); mem.smpMb(); yield 0; }
            case XCHG -> mem.xchg(v, a);
            case XCHG_RELAXED -> mem.xchgRelaxed(v, a);
            case XCHG_ACQUIRE -> mem.xchgAcquire(v, a);
            case XCHG_RELEASE -> mem.xchgRelease(v, a);
            case CMPXCHG -> mem.cmpxchg(v, a, b);
            case CMPXCHG_RELAXED -> mem.cmpxchgRelaxed(v, a, b);
            case CMPXCHG_ACQUIRE -> mem.cmpxchgAcquire(v, a, b);
            case CMPXCHG_RELEASE -> mem.cmpxchgRelease(v, a, b);
            case ATOMIC_READ -> mem.atomicRead(v);
            case ATOMIC_READ_ACQUIRE -> mem.atomicReadAcquire(v);
            case ATOMIC_SET -> { mem.atomicSet(v, a); yield 0; }
            case ATOMIC_SET_RELEASE -> { mem.atomicSetRelease(v, a); yield 0; }
            case ATOMIC_INC -> { mem.atomicInc(v); yield 0; }
            case ATOMIC_DEC -> { mem.atomicDec(v); yield 0; }
            case ATOMIC_ADD -> { mem.atomicAdd(a, v); yield 0; }
            case ATOMIC_SUB -> { mem.atomicSub(a, v); yield 0; }
            case ATOMIC_OR -> { mem.atomicOr(a, v); yield 0; }
            case ATOMIC_AND -> { mem.atomicAnd(a, v); yield 0; }
            case ATOMIC_ANDNOT -> { mem.atomicAndnot(a, v); yield 0; }
            case ATOMIC_XOR -> { mem.atomicXor(a, v); yield 0; }
            case ATOMIC_INC_RETURN -> mem.atomicIncReturn(v);
            case ATOMIC_INC_RETURN_RELAXED -> mem.atomicIncReturnRelaxed(v);
            case ATOMIC_INC_RETURN_ACQUIRE -> mem.atomicIncReturnAcquire(v);
            case ATOMIC_INC_RETURN_RELEASE -> mem.atomicIncReturnRelease(v);
            case ATOMIC_DEC_RETURN -> mem.atomicDecReturn(v);
            case ATOMIC_DEC_RETURN_RELAXED -> mem.atomicDecReturnRelaxed(v);
            case ATOMIC_DEC_RETURN_ACQUIRE -> mem.atomicDecReturnAcquire(v);
            case ATOMIC_DEC_RETURN_RELEASE -> mem.atomicDecReturnRelease(v);
            case ATOMIC_ADD_RETURN -> mem.atomicAddReturn(a, v);
            case ATOMIC_ADD_RETURN_RELAXED -> mem.atomicAddReturnRelaxed(a, v);
            case ATOMIC_ADD_RETURN_ACQUIRE -> mem.atomicAddReturnAcquire(a, v);
            case ATOMIC_ADD_RETURN_RELEASE -> mem.atomicAddReturnRelease(a, v);
            case ATOMIC_SUB_RETURN -> mem.atomicSubReturn(a, v);
            case ATOMIC_SUB_RETURN_RELAXED -> mem.atomicSubReturnRelaxed(a, v);
            case ATOMIC_SUB_RETURN_ACQUIRE -> mem.atomicSubReturnAcquire(a, v);
            case ATOMIC_SUB_RETURN_RELEASE -> mem.atomicSubReturnRelease(a, v);
            case ATOMIC_FETCH_ADD -> mem.atomicFetchAdd(a, v);
            case ATOMIC_FETCH_ADD_RELAXED -> mem.atomicFetchAddRelaxed(a, v);
            case ATOMIC_FETCH_ADD_ACQUIRE -> mem.atomicFetchAddAcquire(a, v);
            case ATOMIC_FETCH_ADD_RELEASE -> mem.atomicFetchAddRelease(a, v);
            case ATOMIC_FETCH_SUB -> mem.atomicFetchSub(a, v);
            case ATOMIC_FETCH_SUB_RELAXED -> mem.atomicFetchSubRelaxed(a, v);
            case ATOMIC_FETCH_SUB_ACQUIRE -> mem.atomicFetchSubAcquire(a, v);
            case ATOMIC_FETCH_SUB_RELEASE -> mem.atomicFetchSubRelease(a, v);
            case ATOMIC_FETCH_OR -> mem.atomicFetchOr(a, v);
            case ATOMIC_FETCH_OR_RELAXED -> mem.atomicFetchOrRelaxed(a, v);
            case ATOMIC_FETCH_OR_ACQUIRE -> mem.atomicFetchOrAcquire(a, v);
            case ATOMIC_FETCH_OR_RELEASE -> mem.atomicFetchOrRelease(a, v);
            case ATOMIC_FETCH_AND -> mem.atomicFetchAnd(a, v);
            case ATOMIC_FETCH_AND_RELAXED -> mem.atomicFetchAndRelaxed(a, v);
            case ATOMIC_FETCH_AND_ACQUIRE -> mem.atomicFetchAndAcquire(a, v);
            case ATOMIC_FETCH_AND_RELEASE -> mem.atomicFetchAndRelease(a, v);
            case ATOMIC_FETCH_ANDNOT -> mem.atomicFetchAndnot(a, v);
            case ATOMIC_FETCH_ANDNOT_RELAXED -> mem.atomicFetchAndnotRelaxed(a, v);
            case ATOMIC_FETCH_ANDNOT_ACQUIRE -> mem.atomicFetchAndnotAcquire(a, v);
            case ATOMIC_FETCH_ANDNOT_RELEASE -> mem.atomicFetchAndnotRelease(a, v);
            case ATOMIC_FETCH_XOR -> mem.atomicFetchXor(a, v);
            case ATOMIC_FETCH_XOR_RELAXED -> mem.atomicFetchXorRelaxed(a, v);
            case ATOMIC_FETCH_XOR_ACQUIRE -> mem.atomicFetchXorAcquire(a, v);
            case ATOMIC_FETCH_XOR_RELEASE -> mem.atomicFetchXorRelease(a, v);
            case ATOMIC_FETCH_INC -> mem.atomicFetchAdd(1, v);
            case ATOMIC_FETCH_INC_RELAXED -> mem.atomicFetchAddRelaxed(1, v);
            case ATOMIC_FETCH_INC_ACQUIRE -> mem.atomicFetchAddAcquire(1, v);
            case ATOMIC_FETCH_INC_RELEASE -> mem.atomicFetchAddRelease(1, v);
            case ATOMIC_FETCH_DEC -> mem.atomicFetchSub(1, v);
            case ATOMIC_FETCH_DEC_RELAXED -> mem.atomicFetchSubRelaxed(1, v);
            case ATOMIC_FETCH_DEC_ACQUIRE -> mem.atomicFetchSubAcquire(1, v);
            case ATOMIC_FETCH_DEC_RELEASE -> mem.atomicFetchSubRelease(1, v);
            case ATOMIC_XCHG -> mem.atomicXchg(v, a);
            case ATOMIC_XCHG_RELAXED -> mem.atomicXchgRelaxed(v, a);
            case ATOMIC_XCHG_ACQUIRE -> mem.atomicXchgAcquire(v, a);
            case ATOMIC_XCHG_RELEASE -> mem.atomicXchgRelease(v, a);
            case ATOMIC_CMPXCHG -> mem.atomicCmpxchg(v, a, b);
            case ATOMIC_CMPXCHG_RELAXED -> mem.atomicCmpxchgRelaxed(v, a, b);
            case ATOMIC_CMPXCHG_ACQUIRE -> mem.atomicCmpxchgAcquire(v, a, b);
            case ATOMIC_CMPXCHG_RELEASE -> mem.atomicCmpxchgRelease(v, a, b);
            case ATOMIC_DEC_AND_TEST -> mem.atomicDecAndTest(v) ? 1 : 0;
            case ATOMIC_INC_AND_TEST -> mem.atomicIncAndTest(v) ? 1 : 0;
            case ATOMIC_SUB_AND_TEST -> mem.atomicSubAndTest(a, v) ? 1 : 0;
            case ATOMIC_ADD_NEGATIVE -> mem.atomicAddReturn(a, v) < 0 ? 1 : 0;
            case ATOMIC_ADD_UNLESS -> mem.atomicAddUnless(v, a, b) ? 1 : 0;
            case ATOMIC_INC_NOT_ZERO -> mem.atomicIncNotZero(v) ? 1 : 0;
            default -> throw new IllegalArgumentException(p + " does not apply to an int");
        };
    }

    /** A primitive on a pointer location: the values and the result are addresses (or null). */
    long onRef(Prim p, RefVar<Addr> v, Addr a, Addr b) {
        Addr r = switch (p) {
            case PLAIN_READ -> mem.read(v);
            case READ_ONCE, RCU_DEREFERENCE -> mem.readOnce(v);
            case SMP_LOAD_ACQUIRE -> mem.smpLoadAcquire(v);
            case PLAIN_WRITE -> { mem.write(v, a); yield null; }
            case WRITE_ONCE -> { mem.writeOnce(v, a); yield null; }
            case SMP_STORE_RELEASE, RCU_ASSIGN_POINTER -> { mem.smpStoreRelease(v, a); yield null; }
            case SMP_STORE_MB -> { mem.writeOnce(v, a); mem.smpMb(); yield null; }
            case XCHG -> mem.xchg(v, a);
            case XCHG_RELAXED -> mem.xchgRelaxed(v, a);
            case XCHG_ACQUIRE -> mem.xchgAcquire(v, a);
            case XCHG_RELEASE -> mem.xchgRelease(v, a);
            case CMPXCHG -> mem.cmpxchg(v, a, b);
            case CMPXCHG_RELAXED -> mem.cmpxchgRelaxed(v, a, b);
            case CMPXCHG_ACQUIRE -> mem.cmpxchgAcquire(v, a, b);
            case CMPXCHG_RELEASE -> mem.cmpxchgRelease(v, a, b);
            default -> throw new IllegalArgumentException(p + " does not apply to a pointer");
        };
        return r == null ? 0 : Ast.ADDR + r.index();
    }
}
