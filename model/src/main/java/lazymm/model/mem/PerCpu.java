package lazymm.model.mem;

/**
 * A pointer per-CPU variable, DEFINE_PER_CPU(struct foo *, name) (include/linux/percpu-defs.h,
 * v7.1.5), made by {@link Memory#perCpu}: one {@link RefVar} per CPU, {@code name@cpuN}. The
 * same three families as {@link PerCpuInt} (this_cpu_* preempt-safe and marked, __this_cpu_*
 * checked by CONFIG_DEBUG_PREEMPT and plain, raw_cpu_* unchecked and plain), for read, write,
 * xchg and cmpxchg; the rest of what it leaves out is said there. A load of the pointer orders
 * the loads made through it (an address dependency), as {@link Memory#readOnce(RefVar)} does.
 *
 * @param <T> the model type it points to
 */
public final class PerCpu<T> {

    private final Memory mem;
    private final String name;
    private final RefVar<T>[] cpus;

    PerCpu(Memory mem, String name, RefVar<T>[] cpus) {
        this.mem = mem;
        this.name = name;
        this.cpus = cpus;
    }

    /** per_cpu_ptr(&amp;v, cpu): the copy of {@code cpu}, for the ordinary {@link Memory} accessors. */
    public RefVar<T> perCpuPtr(int cpu) { return cpus[cpu]; }

    /** this_cpu_ptr(&amp;v): checked as smp_processor_id() is under CONFIG_DEBUG_PREEMPT. */
    public RefVar<T> thisCpuPtr() {
        mem.checkPreemptionDisabled("smp_processor_id", "");
        return cpus[mem.cpu()];
    }

    /** raw_cpu_ptr(&amp;v): unchecked. */
    public RefVar<T> rawCpuPtr() { return cpus[mem.cpu()]; }

    // ---- this_cpu_*: preempt-safe, marked ----

    @SharedAccess public T thisCpuRead() { return mem.obj(mem.load(local(), false, false, true)); }

    @SharedAccess public void thisCpuWrite(T val) { mem.store(local(), mem.id(val), false, false); }

    @SharedAccess public T thisCpuXchg(T val) { return mem.obj(mem.cpuRmw(local(), Rmw.XCHG, mem.id(val), 0, false)); }

    @SharedAccess public T thisCpuCmpxchg(T old, T val) { return mem.obj(mem.cpuRmw(local(), Rmw.CMPXCHG, mem.id(old), mem.id(val), false)); }

    // ---- __this_cpu_*: preemption must be off (checked), plain ----

    @SharedAccess public T __thisCpuRead() { return mem.obj(mem.load(checked("read"), true, false, true)); }

    @SharedAccess public void __thisCpuWrite(T val) { mem.store(checked("write"), mem.id(val), true, false); }

    @SharedAccess public T __thisCpuXchg(T val) { return mem.obj(mem.cpuRmw(checked("xchg"), Rmw.XCHG, mem.id(val), 0, true)); }

    @SharedAccess public T __thisCpuCmpxchg(T old, T val) { return mem.obj(mem.cpuRmw(checked("cmpxchg"), Rmw.CMPXCHG, mem.id(old), mem.id(val), true)); }

    // ---- raw_cpu_*: unchecked, plain ----

    @SharedAccess public T rawCpuRead() { return mem.obj(mem.load(local(), true, false, true)); }

    @SharedAccess public void rawCpuWrite(T val) { mem.store(local(), mem.id(val), true, false); }

    @SharedAccess public T rawCpuXchg(T val) { return mem.obj(mem.cpuRmw(local(), Rmw.XCHG, mem.id(val), 0, true)); }

    @SharedAccess public T rawCpuCmpxchg(T old, T val) { return mem.obj(mem.cpuRmw(local(), Rmw.CMPXCHG, mem.id(old), mem.id(val), true)); }

    private RefVar<T> local() { return cpus[mem.cpu()]; }

    private RefVar<T> checked(String op) {
        mem.checkPreemptionDisabled("__this_cpu_", op);
        return cpus[mem.cpu()];
    }

    public String name() { return name; }

    @Override public String toString() { return name; }
}
