package lazymm.model.mem;

/**
 * An {@code int} per-CPU variable, DEFINE_PER_CPU(int, name) (include/linux/percpu-defs.h,
 * v7.1.5), made by {@link Memory#perCpuInt}: one {@link IntVar} per CPU, named
 * {@code name@cpuN}, which the memory modes and the race detector treat as any other location.
 *
 * <p>Three families of accessors of this CPU's copy, as the kernel has them:
 * <ul>
 *   <li>{@code this_cpu_*}: safe from preemptible code (on x86 one instruction on
 *       {@code %gs:}, elsewhere wrapped in local_irq_save): never reported; marked accesses
 *       (the generic forms use READ_ONCE / WRITE_ONCE);</li>
 *   <li>{@code __this_cpu_*}: the caller must have preemption off; with CONFIG_DEBUG_PREEMPT
 *       __this_cpu_preempt_check() reports "BUG: using __this_cpu_read() in preemptible code",
 *       here a PreemptibleCpuAccess violation; plain accesses;</li>
 *   <li>{@code raw_cpu_*}: no check at all; plain accesses.</li>
 * </ul>
 * Another CPU's copy is reached with {@link #perCpuPtr} (per_cpu_ptr(&amp;v, cpu); per_cpu(v,
 * cpu) is {@code mem.read(v.perCpuPtr(cpu))}) and accessed with the ordinary {@link Memory}
 * vocabulary; the race detector applies.
 *
 * <p>A read-modify-write (add, xchg, cmpxchg) is one step of the model, a load and a store
 * without a fence ({@link Memory#cpuRmw}): x86's add/cmpxchg without a lock prefix, which an
 * interrupt on this CPU cannot split. Left out: the interrupt splitting the generic
 * (non-x86) raw_cpu/__this_cpu read-modify-write between its load and its store; the _and/_or
 * and the _double and try_cmpxchg forms; alloc_percpu() (dynamic per-CPU memory); the
 * preemption check's exemptions for migrate_disable() and early boot.
 */
public final class PerCpuInt {

    private final Memory mem;
    private final String name;
    private final IntVar[] cpus;

    PerCpuInt(Memory mem, String name, IntVar[] cpus) {
        this.mem = mem;
        this.name = name;
        this.cpus = cpus;
    }

    // ---- addresses (no access, no yield point) ----

    /** per_cpu_ptr(&amp;v, cpu): the copy of {@code cpu}. */
    public IntVar perCpuPtr(int cpu) { return cpus[cpu]; }

    /** this_cpu_ptr(&amp;v): this CPU's copy; under CONFIG_DEBUG_PREEMPT it calls smp_processor_id(), which is checked. */
    public IntVar thisCpuPtr() {
        mem.checkPreemptionDisabled("smp_processor_id", "");
        return cpus[mem.cpu()];
    }

    /** raw_cpu_ptr(&amp;v): this CPU's copy, unchecked. */
    public IntVar rawCpuPtr() { return cpus[mem.cpu()]; }

    // ---- this_cpu_*: preempt-safe, marked ----

    @SharedAccess public int thisCpuRead() { return (int) mem.load(local(), false, false, false); }

    @SharedAccess public void thisCpuWrite(int val) { mem.store(local(), val, false, false); }

    @SharedAccess public void thisCpuAdd(int val) { mem.cpuRmw(local(), Rmw.ADD, val, 0, false); }

    @SharedAccess public void thisCpuSub(int val) { mem.cpuRmw(local(), Rmw.SUB, val, 0, false); }

    @SharedAccess public void thisCpuInc() { mem.cpuRmw(local(), Rmw.ADD, 1, 0, false); }

    @SharedAccess public void thisCpuDec() { mem.cpuRmw(local(), Rmw.SUB, 1, 0, false); }

    /** this_cpu_add_return(v, val): the new value. */
    @SharedAccess public int thisCpuAddReturn(int val) { return (int) mem.cpuRmw(local(), Rmw.ADD, val, 0, false) + val; }

    @SharedAccess public int thisCpuXchg(int val) { return (int) mem.cpuRmw(local(), Rmw.XCHG, val, 0, false); }

    /** this_cpu_cmpxchg(v, old, new): the value found. */
    @SharedAccess public int thisCpuCmpxchg(int old, int val) { return (int) mem.cpuRmw(local(), Rmw.CMPXCHG, old, val, false); }

    // ---- __this_cpu_*: preemption must be off (checked), plain ----

    @SharedAccess public int __thisCpuRead() { return (int) mem.load(checked("read"), true, false, false); }

    @SharedAccess public void __thisCpuWrite(int val) { mem.store(checked("write"), val, true, false); }

    /** __this_cpu_add; also what __this_cpu_sub/inc/dec expand to (the check says "add"). */
    @SharedAccess public void __thisCpuAdd(int val) { mem.cpuRmw(checked("add"), Rmw.ADD, val, 0, true); }

    @SharedAccess public void __thisCpuSub(int val) { mem.cpuRmw(checked("add"), Rmw.SUB, val, 0, true); }

    @SharedAccess public void __thisCpuInc() { mem.cpuRmw(checked("add"), Rmw.ADD, 1, 0, true); }

    @SharedAccess public void __thisCpuDec() { mem.cpuRmw(checked("add"), Rmw.SUB, 1, 0, true); }

    @SharedAccess public int __thisCpuAddReturn(int val) { return (int) mem.cpuRmw(checked("add_return"), Rmw.ADD, val, 0, true) + val; }

    @SharedAccess public int __thisCpuXchg(int val) { return (int) mem.cpuRmw(checked("xchg"), Rmw.XCHG, val, 0, true); }

    @SharedAccess public int __thisCpuCmpxchg(int old, int val) { return (int) mem.cpuRmw(checked("cmpxchg"), Rmw.CMPXCHG, old, val, true); }

    // ---- raw_cpu_*: unchecked, plain ----

    @SharedAccess public int rawCpuRead() { return (int) mem.load(local(), true, false, false); }

    @SharedAccess public void rawCpuWrite(int val) { mem.store(local(), val, true, false); }

    @SharedAccess public void rawCpuAdd(int val) { mem.cpuRmw(local(), Rmw.ADD, val, 0, true); }

    @SharedAccess public void rawCpuInc() { mem.cpuRmw(local(), Rmw.ADD, 1, 0, true); }

    @SharedAccess public void rawCpuDec() { mem.cpuRmw(local(), Rmw.SUB, 1, 0, true); }

    @SharedAccess public int rawCpuXchg(int val) { return (int) mem.cpuRmw(local(), Rmw.XCHG, val, 0, true); }

    @SharedAccess public int rawCpuCmpxchg(int old, int val) { return (int) mem.cpuRmw(local(), Rmw.CMPXCHG, old, val, true); }

    private IntVar local() { return cpus[mem.cpu()]; }

    /** __this_cpu_preempt_check(op), then this CPU's copy. */
    private IntVar checked(String op) {
        mem.checkPreemptionDisabled("__this_cpu_", op);
        return cpus[mem.cpu()];
    }

    /** The variable's name, e.g. {@code nr_pending} (each copy is {@code nr_pending@cpuN}). */
    public String name() { return name; }

    @Override public String toString() { return name; }
}
