package lazymm.model.mem;

import lazymm.model.sim.Machine;

/**
 * The simulated memory and the kernel's marked-access vocabulary
 * (tools/memory-model/linux-kernel.def), one instance per execution.
 *
 * <p>Every method marked {@link SharedAccess} is one access; the agent puts a yield point before
 * each call from model code, so the scheduler may switch CPUs between any two of them. This
 * version is sequentially consistent: each access is performed at once on the one copy of
 * memory, barriers are no-ops, and an RMW is atomic because nothing yields inside it.
 */
public final class Memory {

    private final Machine machine;

    public Memory(Machine machine) { this.machine = machine; }

    public Machine machine() { return machine; }

    // ---- locations ----

    public IntVar intVar(String name, int init) { return new IntVar(name, init); }

    public <T> RefVar<T> refVar(String name, T init) { return new RefVar<>(name, init); }

    // ---- plain and marked accesses ----

    /** A plain C load ({@code x}): the race detector treats it as unmarked. */
    @SharedAccess public int read(IntVar v) { return v.value; }

    /** A plain C store ({@code x = val}). */
    @SharedAccess public void write(IntVar v, int val) { v.value = val; }

    /** READ_ONCE(x). */
    @SharedAccess public int readOnce(IntVar v) { return v.value; }

    /** WRITE_ONCE(x, val). */
    @SharedAccess public void writeOnce(IntVar v, int val) { v.value = val; }

    @SharedAccess public <T> T read(RefVar<T> v) { return v.value; }

    @SharedAccess public <T> void write(RefVar<T> v, T val) { v.value = val; }

    @SharedAccess public <T> T readOnce(RefVar<T> v) { return v.value; }

    @SharedAccess public <T> void writeOnce(RefVar<T> v, T val) { v.value = val; }

    // ---- atomics (value-returning RMWs are fully ordered; void ones are unordered) ----

    /** atomic_inc(v). */
    @SharedAccess public void atomicInc(IntVar v) { v.value++; }

    /** atomic_dec(v). */
    @SharedAccess public void atomicDec(IntVar v) { v.value--; }

    /** atomic_inc_return(v). */
    @SharedAccess public int atomicIncReturn(IntVar v) { return ++v.value; }

    /** atomic_dec_and_test(v): true when the new value is 0. */
    @SharedAccess public boolean atomicDecAndTest(IntVar v) { return --v.value == 0; }

    /** xchg(p, new). */
    @SharedAccess public <T> T xchg(RefVar<T> v, T val) {
        T old = v.value;
        v.value = val;
        return old;
    }

    /** cmpxchg(p, old, new): returns the value found. */
    @SharedAccess public int cmpxchg(IntVar v, int expect, int val) {
        int old = v.value;
        if (old == expect) v.value = val;
        return old;
    }

    // ---- barriers ----

    /** smp_mb(). */
    @SharedAccess public void smpMb() {}
}
