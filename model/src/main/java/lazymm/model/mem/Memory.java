package lazymm.model.mem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import lazymm.model.sim.KernelNames;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Violation;

/**
 * The simulated memory and the kernel's marked-access vocabulary
 * (tools/memory-model/linux-kernel.def), one instance per execution.
 *
 * <p>Every method marked {@link SharedAccess} is one access: the agent puts a yield point before
 * each call from model code, so the scheduler may run another CPU (or drain a store buffer)
 * between any two of them, and nothing inside one. The memory mode decides what a load may
 * return: {@code sc} (one memory), {@code tso} (x86: FIFO store buffers, see {@link TsoBackend}),
 * {@code weak} (arm64/powerpc-like reordering, see {@link WeakBackend}). The race detector
 * ({@link RaceDetector}) watches every access when it is on.
 *
 * <p>Naming: the C name in lowerCamelCase ({@code smp_store_release} -> {@code smpStoreRelease},
 * {@code atomic_fetch_add_relaxed} -> {@code atomicFetchAddRelaxed}). Plain C accesses are
 * {@link #read} and {@link #write}.
 */
public final class Memory {

    /** The memory modes, as {@code --memory} spells them. */
    public static final List<String> MODES = List.of("sc", "tso", "weak");

    private final Machine machine;
    private final String mode;
    private final Backend be;
    private final RaceDetector race;
    private Loc[] locs = new Loc[32];
    private int nlocs;
    private final Map<Object, Long> ids = new IdentityHashMap<>();
    private final List<Object> objects = new ArrayList<>(List.of(NULL_OBJECT));
    private IrqHooks irq = IrqHooks.NONE;
    /** Report each access's location and value to the machine (replay traces only). */
    private final boolean tracing;
    /** The machine hears of conflicting accesses (fuzzing's interleaving feedback). */
    private final boolean conflicts;

    private static final Object NULL_OBJECT = new Object();

    /**
     * @param mode        sc, tso or weak
     * @param detectRaces run the race detector on every access
     */
    public Memory(Machine machine, String mode, boolean detectRaces) {
        this.machine = machine;
        this.mode = mode;
        this.be = switch (mode) {
            case "sc" -> new ScBackend(machine);
            case "tso" -> new TsoBackend(machine);
            case "weak" -> new WeakBackend(machine);
            default -> throw new IllegalArgumentException("unknown memory mode '" + mode + "' (expected one of " + MODES + ")");
        };
        this.race = detectRaces ? new RaceDetector(machine.nrCpus()) : null;
        this.tracing = machine.tracing();
        this.conflicts = machine.observesConflicts();
    }

    /** Sequentially consistent memory, no race detection. */
    public Memory(Machine machine) { this(machine, "sc", false); }

    public Machine machine() { return machine; }

    public String mode() { return mode; }

    /**
     * Attributes each access to the file its code is compiled in, so that a race says what KCSAN
     * would print of it ({@link RaceDetector}); without it every access counts as instrumented.
     */
    public void raceOrigins(AccessOrigin.Resolver r) {
        if (race != null) race.origins(r);
    }

    /** Where the _bh and _irq lock forms turn softirqs and interrupts off and on. */
    public void irqHooks(IrqHooks hooks) { this.irq = hooks; }

    // ---- locations ----

    private <L extends Loc> L add(L l) {
        if (nlocs == locs.length) locs = Arrays.copyOf(locs, nlocs * 2);
        locs[nlocs++] = l;
        be.register(l);
        return l;
    }

    public IntVar intVar(String name, long init) { return add(new IntVar(name, nlocs, init)); }

    public <T> RefVar<T> refVar(String name, T init) {
        RefVar<T> r = add(new RefVar<T>(this, name, nlocs, id(init)));
        if (!freed.isEmpty()) stored(r);
        return r;
    }

    public SpinLock spinLock(String name) { return add(new SpinLock(name, nlocs)); }

    /**
     * DEFINE_PER_CPU(int, name): one location per CPU, {@code name@cpu0}, {@code name@cpu1}...,
     * each starting at {@code init}. See {@link PerCpuInt} for the accessors.
     */
    public PerCpuInt perCpuInt(String name, long init) {
        IntVar[] v = new IntVar[machine.nrCpus()];
        for (int c = 0; c < v.length; c++) v[c] = intVar(name + "@cpu" + c, init);
        return new PerCpuInt(this, name, v);
    }

    /** DEFINE_PER_CPU(struct foo *, name): a pointer per CPU. See {@link PerCpu}. */
    @SuppressWarnings("unchecked")
    public <T> PerCpu<T> perCpu(String name, T init) {
        RefVar<T>[] v = new RefVar[machine.nrCpus()];
        for (int c = 0; c < v.length; c++) v[c] = refVar(name + "@cpu" + c, init);
        return new PerCpu<>(this, name, v);
    }

    /**
     * smp_processor_id() of a kernel built with CONFIG_DEBUG_PREEMPT (debug_smp_processor_id(),
     * lib/smp_processor_id.c): this CPU, and a PreemptibleCpuAccess report when the code is
     * preemptible (the task may run on another CPU by the time it uses the answer). Not a shared
     * access (no yield point). The kernel model's own paths use the raw form.
     */
    public int smpProcessorId() {
        checkPreemptionDisabled("smp_processor_id", "");
        return cpu();
    }

    /** raw_smp_processor_id(): this CPU, unchecked. */
    public int rawSmpProcessorId() { return cpu(); }

    /**
     * check_preemption_disabled(what1, what2) (lib/smp_processor_id.c, v7.1.5): with
     * CONFIG_DEBUG_PREEMPT the kernel prints "BUG: using what1what2() in preemptible [00000000]
     * code: comm/pid" and the caller; here a PreemptibleCpuAccess violation naming the model's
     * call site. Whether the context is preemptible is {@link IrqHooks#preemptible}'s answer.
     */
    void checkPreemptionDisabled(String what1, String what2) {
        int c = cpu();
        if (!irq.preemptible(c)) return;
        String site = callSite();
        throw new Violation("PreemptibleCpuAccess", KernelNames.function(site),
                "BUG: using " + what1 + what2 + "() in preemptible [00000000] code: " + irq.current(c)
                        + "\ncaller is " + KernelNames.function(site) + " (" + KernelNames.where(site) + ") on cpu" + c);
    }

    /** The model code that called into the memory API, as a site ("Class.method:line"). */
    private static String callSite() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("lazymm.model.mem."))
                .findFirst()
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber())
                .orElse(""));
    }

    /**
     * A per-CPU read-modify-write ({@link PerCpuInt}): a load and a store in one step, with no
     * fence: on x86 one instruction without a lock prefix (add, or cmpxchg for xchg), which an
     * interrupt cannot split but which is not atomic against another CPU's store and goes through
     * the store buffer. Plain for the raw_cpu and __this_cpu forms, marked for this_cpu. Returns
     * the old value.
     */
    long cpuRmw(Loc l, Rmw op, long a, long b, boolean plain) {
        long old = load(l, plain, false, l instanceof RefVar);
        if (op.writes(old, a, b)) store(l, op.apply(old, a, b), plain, false);
        return old;
    }

    /**
     * How traces print the values of {@code l} (e.g. a byte of flag bits in hex, decoded); by
     * default an int in decimal and a pointer by its object's name.
     */
    public void showAs(IntVar l, java.util.function.LongFunction<String> format) { l.shownAs = format; }

    /** A field of {@code owner}: an access after {@link #kfree}{@code (owner)} is a use-after-free. */
    public IntVar intVar(Object owner, String name, long init) { return owned(owner, intVar(name, init)); }

    public <T> RefVar<T> refVar(Object owner, String name, T init) { return owned(owner, refVar(name, init)); }

    public SpinLock spinLock(Object owner, String name) { return owned(owner, spinLock(name)); }

    private <L extends Loc> L owned(Object owner, L l) {
        l.owner = owner;
        return l;
    }

    /**
     * kfree(owner): from now on any access to a field of {@code owner} is a UseAfterFree, reported
     * as KASAN would (the access, and where the object was freed). Freeing twice is a DoubleFree.
     *
     * @param what the object as traces name it, e.g. {@code mm#1}
     */
    public void kfree(Object owner, String what) {
        String site = machine.site();
        String by = "cpu" + cpu() + " in " + KernelNames.function(site) + " (" + KernelNames.where(site) + ")";
        for (int i = 0; i < nlocs; i++) {
            Loc l = locs[i];
            if (l.owner != owner) continue;
            if (l.freedAt != null) {
                throw new Violation("DoubleFree", KernelNames.function(site),
                        what + " freed twice: by " + by + ", and before by " + l.freedAt);
            }
            l.freedAt = by;
        }
        freed.put(owner, new String[] {what, by, KernelNames.function(site)});
        for (int i = 0; i < nlocs; i++) {  // the pointers that name it now
            if (locs[i] instanceof RefVar<?> r && object(be.peekLatest(r)) == owner) suspect(r);
        }
    }

    // ---- the pointers that still name a freed object (the oracles' "still used" check) ----

    /** The objects freed with kfree: their name, who freed them, the function. */
    private final Map<Object, String[]> freed = new IdentityHashMap<>();
    /**
     * The pointer locations that may name a freed object: those that named it when it was
     * freed, and those stored to since some object was freed. {@link #referencesToFreed}
     * drops the ones that no longer do, so a step costs nothing while none does.
     */
    private RefVar<?>[] suspects = new RefVar<?>[8];
    private int nsuspects;

    private void suspect(RefVar<?> r) {
        if (r.suspect) return;
        r.suspect = true;
        if (nsuspects == suspects.length) suspects = Arrays.copyOf(suspects, nsuspects * 2);
        suspects[nsuspects++] = r;
    }

    /** After a store or read-modify-write of {@code l}: a pointer to a freed object is a suspect. */
    private void stored(Loc l) {
        if (l instanceof RefVar<?> r && !r.suspect && freed.containsKey(object(be.peekLatest(r)))) suspect(r);
    }

    /**
     * The pointer locations whose newest value (as {@link #peekLatest}: the last store the
     * program issued, buffered or not) names an object freed with {@link #kfree}, whatever field
     * they are, in creation order. Kept as an index updated where a pointer is stored or an
     * object freed, not found by a scan of every location.
     */
    public List<RefVar<?>> referencesToFreed() {
        if (nsuspects == 0) return List.of();
        int n = 0;
        for (int i = 0; i < nsuspects; i++) {
            RefVar<?> r = suspects[i];
            if (freed.containsKey(object(be.peekLatest(r)))) suspects[n++] = r;
            else r.suspect = false;
        }
        Arrays.fill(suspects, n, nsuspects, null);
        nsuspects = n;
        if (n == 0) return List.of();
        RefVar<?>[] out = Arrays.copyOf(suspects, n);
        if (n > 1) Arrays.sort(out, (a, b) -> Integer.compare(a.id, b.id));
        return List.of(out);
    }

    /** Who freed {@code o} with {@link #kfree}: "cpu1 in __mmdrop (Fork.java:50)", or null if it was not. */
    public String freedBy(Object o) {
        String[] f = freed.get(o);
        return f == null ? null : f[1];
    }

    /** The kernel function that freed {@code o}, or null. */
    public String freedIn(Object o) {
        String[] f = freed.get(o);
        return f == null ? null : f[2];
    }

    /** True once {@code owner} was freed with {@link #kfree}. */
    public boolean isFreed(Object owner) {
        for (int i = 0; i < nlocs; i++) {
            if (locs[i].owner == owner) return locs[i].freedAt != null;
        }
        return false;
    }

    /**
     * An oracle saw the freed {@code o} still named by {@code who} (a FreedWhileNamed finding): a
     * later access to it says so, beside where it was freed.
     */
    public void noteNamedWhenFreed(Object o, String who) {
        namedWhenFreed.putIfAbsent(o, who);
    }

    private final Map<Object, String> namedWhenFreed = new IdentityHashMap<>();

    private void checkLive(Loc l, String access) {
        if (l.freedAt == null) return;
        String site = machine.site();
        String named = namedWhenFreed.get(l.owner);
        throw new Violation("UseAfterFree", KernelNames.function(site),
                "KASAN: use-after-free " + access + " of " + l.name + " by cpu" + cpu() + " in "
                        + KernelNames.function(site) + " (" + KernelNames.where(site) + "); freed by " + l.freedAt
                        + (named == null ? "" : "; when it was freed " + named + " still named it"));
    }

    long id(Object o) {
        if (o == null) return 0;
        Long id = ids.get(o);
        if (id == null) {
            id = (long) objects.size();
            objects.add(o);
            ids.put(o, id);
        }
        return id;
    }

    Object object(long id) { return id == 0 ? null : objects.get((int) id); }

    @SuppressWarnings("unchecked")
    <T> T obj(long id) { return (T) object(id); }

    // ---- the core, used by every named primitive below ----

    int cpu() { return machine.smpProcessorId(); }

    long load(Loc l, boolean plain, boolean acquire, boolean dep) {
        checkLive(l, "read");
        int c = cpu();
        if (race != null) race.access(l, c, false, plain, machine.site());
        if (conflicts) conflict(l, c, false);
        long v = be.load(l, c, acquire, dep);
        if (race != null) race.loaded(c, be.lastSync, acquire);
        if (tracing) machine.traced(l.name, () -> value(l, v));
        return v;
    }

    void store(Loc l, long v, boolean plain, boolean release) {
        checkLive(l, "write");
        int c = cpu();
        Object sync = null;
        if (race != null) {
            race.access(l, c, true, plain, machine.site());
            sync = race.storeSync(c, release);
        }
        if (conflicts) conflict(l, c, true);
        be.store(l, c, v, release, sync);
        if (!freed.isEmpty()) stored(l);
        if (tracing) machine.traced(l.name, () -> ":= " + value(l, v));
    }

    private long rmw(Loc l, Rmw op, long a, long b, Order o) {
        checkLive(l, "read-modify-write");
        int c = cpu();
        Object sync = null;
        if (race != null) {
            if (o == Order.FULL) race.mb(c);
            race.access(l, c, true, false, machine.site());
            sync = race.storeSync(c, o == Order.RELEASE || o == Order.FULL);
        }
        if (conflicts) conflict(l, c, true);
        long old = be.rmw(l, c, op, a, b, o, sync);
        if (!freed.isEmpty()) stored(l);
        if (race != null) {
            race.loaded(c, be.lastSync, o == Order.ACQUIRE || o == Order.FULL || o == Order.LOCK);
            if (o == Order.FULL) race.mb(c);
        }
        if (tracing) {
            long now = be.peekLatest(l);
            machine.traced(l.name, () -> value(l, old) + " -> " + value(l, now));
        }
        return old;
    }

    /**
     * Tells the machine of the conflicts this access makes with the location's last accesses by
     * other CPUs (a read after another CPU's write; a write after another CPU's write or read),
     * in program order: the store buffer does not change which pair it is.
     */
    private void conflict(Loc l, int c, boolean write) {
        String site = machine.site();
        if (l.cwCpu >= 0 && l.cwCpu != c) machine.conflict(l.cwSite, true, site, write);
        if (write) {
            if (l.crCpu >= 0 && l.crCpu != c) machine.conflict(l.crSite, false, site, true);
            l.cwCpu = c;
            l.cwSite = site;
            l.crCpu = -1;
        } else {
            l.crCpu = c;
            l.crSite = site;
        }
    }

    // ---- plain C accesses ----

    /** A plain C load ({@code x}); the race detector treats it as unmarked. */
    @SharedAccess public int read(IntVar v) { return (int) load(v, true, false, false); }

    /** A plain C store ({@code x = val}). */
    @SharedAccess public void write(IntVar v, int val) { store(v, val, true, false); }

    /** A plain load of a pointer; what is read through it is ordered after it (dependency). */
    @SharedAccess public <T> T read(RefVar<T> v) { return obj(load(v, true, false, true)); }

    @SharedAccess public <T> void write(RefVar<T> v, T val) { store(v, id(val), true, false); }

    // ---- READ_ONCE / WRITE_ONCE, acquire / release ----

    /** READ_ONCE(x). */
    @SharedAccess public int readOnce(IntVar v) { return (int) load(v, false, false, false); }

    /** WRITE_ONCE(x, val). */
    @SharedAccess public void writeOnce(IntVar v, int val) { store(v, val, false, false); }

    /** READ_ONCE(p) of a pointer (an address dependency orders the loads through it). */
    @SharedAccess public <T> T readOnce(RefVar<T> v) { return obj(load(v, false, false, true)); }

    @SharedAccess public <T> void writeOnce(RefVar<T> v, T val) { store(v, id(val), false, false); }

    /** smp_load_acquire(p). */
    @SharedAccess public int smpLoadAcquire(IntVar v) { return (int) load(v, false, true, false); }

    @SharedAccess public <T> T smpLoadAcquire(RefVar<T> v) { return obj(load(v, false, true, true)); }

    /** smp_store_release(p, val). */
    @SharedAccess public void smpStoreRelease(IntVar v, int val) { store(v, val, false, true); }

    @SharedAccess public <T> void smpStoreRelease(RefVar<T> v, T val) { store(v, id(val), false, true); }

    /**
     * smp_cond_load_acquire(ptr, cond) (include/asm-generic/barrier.h, v7.1.5): spin until the
     * value satisfies {@code cond}, then an acquire. The CPU is off the scheduler while the newest
     * value does not satisfy it, and the final load reads that newest value (a spinning CPU sees
     * it eventually; the stale reads before it only repeat the loop).
     */
    @SharedAccess public int smpCondLoadAcquire(IntVar v, java.util.function.IntPredicate cond, String what) {
        return (int) condLoad(v, x -> cond.test((int) x), true, what);
    }

    /** smp_cond_load_acquire() of a pointer: spin until {@code cond} holds of the object pointed to (or null). */
    @SharedAccess public <T> T smpCondLoadAcquire(RefVar<T> v, java.util.function.Predicate<T> cond, String what) {
        return obj(condLoad(v, x -> cond.test(obj(x)), true, what));
    }

    /**
     * smp_cond_load_relaxed(ptr, cond): the same wait, and the load that ends it is a
     * READ_ONCE: it orders nothing after it (the caller adds smp_acquire__after_ctrl_dep() or a
     * barrier when it needs one). Left out, as for the acquire form: the stale reads the loop
     * may make before it sees the value (they only repeat the loop).
     */
    @SharedAccess public int smpCondLoadRelaxed(IntVar v, java.util.function.IntPredicate cond, String what) {
        return (int) condLoad(v, x -> cond.test((int) x), false, what);
    }

    /** smp_cond_load_relaxed() of a pointer. */
    @SharedAccess public <T> T smpCondLoadRelaxed(RefVar<T> v, java.util.function.Predicate<T> cond, String what) {
        return obj(condLoad(v, x -> cond.test(obj(x)), false, what));
    }

    /** The wait and the load of the smp_cond_load forms: {@code acquire} says which. */
    private long condLoad(Loc v, java.util.function.LongPredicate cond, boolean acquire, String what) {
        checkLive(v, "read");
        int c = cpu();
        long val;
        do {
            machine.await(() -> cond.test(be.peek(v)), what);
            val = loadNewestIf(v, c, cond, acquire);  // under the explorer it holds: nothing ran since the wait
        } while (val == Long.MIN_VALUE);
        if (race != null) race.loaded(c, be.lastSync, acquire);
        long seen = val;
        if (tracing) machine.traced(v.name, () -> value(v, seen));
        return val;
    }

    /**
     * smp_cond_load's load, once its wait saw the condition: the newest value if it
     * still satisfies {@code cond}, else Long.MIN_VALUE (wait again). One step, so that a
     * machine whose threads may run between the wait and the load (Lincheck) cannot see the
     * condition true and then load a value that fails it.
     */
    private long loadNewestIf(Loc v, int c, java.util.function.LongPredicate cond, boolean acquire) {
        if (!cond.test(be.peek(v))) return Long.MIN_VALUE;
        if (race != null) race.access(v, c, false, false, machine.site());
        if (conflicts) conflict(v, c, false);
        return be.loadNewest(v, c, acquire);
    }

    // ---- barriers ----

    /** smp_mb(): a full barrier, including store-to-load order. */
    @SharedAccess public void smpMb() {
        int c = cpu();
        if (race != null) race.mb(c);
        be.mb(c);
    }

    /**
     * The end of an RCU grace period waited for by this CPU (synchronize_rcu()): what it orders,
     * see {@link Backend#gracePeriod}. The race detector sees it as a full barrier here.
     */
    @SharedAccess public void rcuGracePeriod() {
        int c = cpu();
        if (race != null) race.mb(c);
        be.gracePeriod(c, machine.nrCpus());
    }

    /**
     * The start of an RCU grace period this CPU will wait for (synchronize_rcu() of a litmus
     * test): a full barrier, then what a read-side critical section that starts later must see
     * (hand it to {@link #rcuReadLock}). The caller then waits for the critical sections in
     * progress and ends with {@link #rcuGracePeriod}.
     */
    @SharedAccess public Object rcuGracePeriodStart() {
        int c = cpu();
        if (race != null) race.mb(c);
        be.mb(c);
        return be.gracePeriodStart(c);
    }

    /**
     * rcu_read_lock() of a litmus test, outermost: the critical section sees what each grace
     * period in progress started with ({@code inProgress[k]} non-null: what
     * {@link #rcuGracePeriodStart} returned), read when this step runs.
     */
    @SharedAccess public void rcuReadLock(Object[] inProgress) {
        int c = cpu();
        for (Object s : inProgress) {
            if (s != null) be.readerAdopts(c, s);
        }
    }

    /** A hash of what {@link #rcuGracePeriodStart} returned, for state caching. */
    public long rcuStartHash(Object start) { return start == null ? 0 : be.startHash(start) + 1; }

    /** smp_wmb(): orders earlier stores before later stores. */
    @SharedAccess public void smpWmb() {
        int c = cpu();
        if (race != null) race.wmb(c);
        be.wmb(c);
    }

    /** smp_rmb(): orders earlier loads before later loads. */
    @SharedAccess public void smpRmb() {
        int c = cpu();
        if (race != null) race.rmb(c);
        be.rmb(c);
    }

    /** barrier(): the compiler only; nothing at run time. A yield point all the same. */
    @SharedAccess public void barrier() {}

    /** smp_mb__before_atomic(): a full barrier with the void atomic after it (a no-op on x86). */
    @SharedAccess public void smpMbBeforeAtomic() { if (!mode.equals("tso")) smpMbInner(); }

    /** smp_mb__after_atomic(). */
    @SharedAccess public void smpMbAfterAtomic() { if (!mode.equals("tso")) smpMbInner(); }

    /** smp_mb__after_spinlock(): makes the lock acquisition before it a full barrier. */
    @SharedAccess public void smpMbAfterSpinlock() { smpMbInner(); }

    private void smpMbInner() {
        int c = cpu();
        if (race != null) race.mb(c);
        be.mb(c);
    }

    // ---- xchg / cmpxchg on int and pointer locations ----

    @SharedAccess public int xchg(IntVar v, int val) { return (int) rmw(v, Rmw.XCHG, val, 0, Order.FULL); }

    @SharedAccess public int xchgRelaxed(IntVar v, int val) { return (int) rmw(v, Rmw.XCHG, val, 0, Order.RELAXED); }

    @SharedAccess public int xchgAcquire(IntVar v, int val) { return (int) rmw(v, Rmw.XCHG, val, 0, Order.ACQUIRE); }

    @SharedAccess public int xchgRelease(IntVar v, int val) { return (int) rmw(v, Rmw.XCHG, val, 0, Order.RELEASE); }

    @SharedAccess public <T> T xchg(RefVar<T> v, T val) { return obj(rmw(v, Rmw.XCHG, id(val), 0, Order.FULL)); }

    @SharedAccess public <T> T xchgRelaxed(RefVar<T> v, T val) { return obj(rmw(v, Rmw.XCHG, id(val), 0, Order.RELAXED)); }

    @SharedAccess public <T> T xchgAcquire(RefVar<T> v, T val) { return obj(rmw(v, Rmw.XCHG, id(val), 0, Order.ACQUIRE)); }

    @SharedAccess public <T> T xchgRelease(RefVar<T> v, T val) { return obj(rmw(v, Rmw.XCHG, id(val), 0, Order.RELEASE)); }

    /** cmpxchg(p, old, new): returns the value found; fully ordered when it succeeds. */
    @SharedAccess public int cmpxchg(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.FULL); }

    @SharedAccess public int cmpxchgRelaxed(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.RELAXED); }

    @SharedAccess public int cmpxchgAcquire(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.ACQUIRE); }

    @SharedAccess public int cmpxchgRelease(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.RELEASE); }

    @SharedAccess public <T> T cmpxchg(RefVar<T> v, T old, T val) { return obj(cas(v, id(old), id(val), Order.FULL)); }

    @SharedAccess public <T> T cmpxchgRelaxed(RefVar<T> v, T old, T val) { return obj(cas(v, id(old), id(val), Order.RELAXED)); }

    @SharedAccess public <T> T cmpxchgAcquire(RefVar<T> v, T old, T val) { return obj(cas(v, id(old), id(val), Order.ACQUIRE)); }

    @SharedAccess public <T> T cmpxchgRelease(RefVar<T> v, T old, T val) { return obj(cas(v, id(old), id(val), Order.RELEASE)); }

    /**
     * A cmpxchg that fails orders nothing (memory-barriers.txt): it is performed as a relaxed
     * one. Which way it goes is decided by the newest value, as the RMW would see it.
     */
    long cas(Loc v, long old, long val, Order o) {
        return rmw(v, Rmw.CMPXCHG, old, val, be.peek(v) == old || mode.equals("tso") ? o : Order.RELAXED);
    }

    // ---- atomic_t: plain reads and sets ----

    /** atomic_read(v): READ_ONCE. */
    @SharedAccess public int atomicRead(IntVar v) { return (int) load(v, false, false, false); }

    /** atomic_set(v, i): WRITE_ONCE. */
    @SharedAccess public void atomicSet(IntVar v, int i) { store(v, i, false, false); }

    @SharedAccess public int atomicReadAcquire(IntVar v) { return (int) load(v, false, true, false); }

    @SharedAccess public void atomicSetRelease(IntVar v, int i) { store(v, i, false, true); }

    // ---- void atomics: unordered (on x86 every one is a locked instruction) ----

    @SharedAccess public void atomicInc(IntVar v) { rmw(v, Rmw.ADD, 1, 0, Order.RELAXED); }

    @SharedAccess public void atomicDec(IntVar v) { rmw(v, Rmw.SUB, 1, 0, Order.RELAXED); }

    @SharedAccess public void atomicAdd(int i, IntVar v) { rmw(v, Rmw.ADD, i, 0, Order.RELAXED); }

    @SharedAccess public void atomicSub(int i, IntVar v) { rmw(v, Rmw.SUB, i, 0, Order.RELAXED); }

    @SharedAccess public void atomicOr(int i, IntVar v) { rmw(v, Rmw.OR, i, 0, Order.RELAXED); }

    @SharedAccess public void atomicAnd(int i, IntVar v) { rmw(v, Rmw.AND, i, 0, Order.RELAXED); }

    @SharedAccess public void atomicAndnot(int i, IntVar v) { rmw(v, Rmw.ANDNOT, i, 0, Order.RELAXED); }

    @SharedAccess public void atomicXor(int i, IntVar v) { rmw(v, Rmw.XOR, i, 0, Order.RELAXED); }

    // ---- value-returning atomics: fully ordered unless the suffix says otherwise ----

    @SharedAccess public int atomicIncReturn(IntVar v) { return (int) rmw(v, Rmw.ADD, 1, 0, Order.FULL) + 1; }

    @SharedAccess public int atomicIncReturnRelaxed(IntVar v) { return (int) rmw(v, Rmw.ADD, 1, 0, Order.RELAXED) + 1; }

    @SharedAccess public int atomicIncReturnAcquire(IntVar v) { return (int) rmw(v, Rmw.ADD, 1, 0, Order.ACQUIRE) + 1; }

    @SharedAccess public int atomicIncReturnRelease(IntVar v) { return (int) rmw(v, Rmw.ADD, 1, 0, Order.RELEASE) + 1; }

    @SharedAccess public int atomicDecReturn(IntVar v) { return (int) rmw(v, Rmw.SUB, 1, 0, Order.FULL) - 1; }

    @SharedAccess public int atomicDecReturnRelaxed(IntVar v) { return (int) rmw(v, Rmw.SUB, 1, 0, Order.RELAXED) - 1; }

    @SharedAccess public int atomicDecReturnAcquire(IntVar v) { return (int) rmw(v, Rmw.SUB, 1, 0, Order.ACQUIRE) - 1; }

    @SharedAccess public int atomicDecReturnRelease(IntVar v) { return (int) rmw(v, Rmw.SUB, 1, 0, Order.RELEASE) - 1; }

    @SharedAccess public int atomicAddReturn(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.FULL) + i; }

    @SharedAccess public int atomicAddReturnRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.RELAXED) + i; }

    @SharedAccess public int atomicAddReturnAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.ACQUIRE) + i; }

    @SharedAccess public int atomicAddReturnRelease(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.RELEASE) + i; }

    @SharedAccess public int atomicSubReturn(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.FULL) - i; }

    @SharedAccess public int atomicSubReturnRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.RELAXED) - i; }

    @SharedAccess public int atomicSubReturnAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.ACQUIRE) - i; }

    @SharedAccess public int atomicSubReturnRelease(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.RELEASE) - i; }

    @SharedAccess public int atomicFetchAdd(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.FULL); }

    @SharedAccess public int atomicFetchAddRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.RELAXED); }

    @SharedAccess public int atomicFetchAddAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.ACQUIRE); }

    @SharedAccess public int atomicFetchAddRelease(int i, IntVar v) { return (int) rmw(v, Rmw.ADD, i, 0, Order.RELEASE); }

    @SharedAccess public int atomicFetchSub(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.FULL); }

    @SharedAccess public int atomicFetchSubRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.RELAXED); }

    @SharedAccess public int atomicFetchSubAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.ACQUIRE); }

    @SharedAccess public int atomicFetchSubRelease(int i, IntVar v) { return (int) rmw(v, Rmw.SUB, i, 0, Order.RELEASE); }

    @SharedAccess public int atomicFetchOr(int i, IntVar v) { return (int) rmw(v, Rmw.OR, i, 0, Order.FULL); }

    @SharedAccess public int atomicFetchOrRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.OR, i, 0, Order.RELAXED); }

    @SharedAccess public int atomicFetchOrAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.OR, i, 0, Order.ACQUIRE); }

    @SharedAccess public int atomicFetchOrRelease(int i, IntVar v) { return (int) rmw(v, Rmw.OR, i, 0, Order.RELEASE); }

    @SharedAccess public int atomicFetchAnd(int i, IntVar v) { return (int) rmw(v, Rmw.AND, i, 0, Order.FULL); }

    @SharedAccess public int atomicFetchAndRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.AND, i, 0, Order.RELAXED); }

    @SharedAccess public int atomicFetchAndAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.AND, i, 0, Order.ACQUIRE); }

    @SharedAccess public int atomicFetchAndRelease(int i, IntVar v) { return (int) rmw(v, Rmw.AND, i, 0, Order.RELEASE); }

    @SharedAccess public int atomicFetchAndnot(int i, IntVar v) { return (int) rmw(v, Rmw.ANDNOT, i, 0, Order.FULL); }

    @SharedAccess public int atomicFetchAndnotRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.ANDNOT, i, 0, Order.RELAXED); }

    @SharedAccess public int atomicFetchAndnotAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.ANDNOT, i, 0, Order.ACQUIRE); }

    @SharedAccess public int atomicFetchAndnotRelease(int i, IntVar v) { return (int) rmw(v, Rmw.ANDNOT, i, 0, Order.RELEASE); }

    @SharedAccess public int atomicFetchXor(int i, IntVar v) { return (int) rmw(v, Rmw.XOR, i, 0, Order.FULL); }

    @SharedAccess public int atomicFetchXorRelaxed(int i, IntVar v) { return (int) rmw(v, Rmw.XOR, i, 0, Order.RELAXED); }

    @SharedAccess public int atomicFetchXorAcquire(int i, IntVar v) { return (int) rmw(v, Rmw.XOR, i, 0, Order.ACQUIRE); }

    @SharedAccess public int atomicFetchXorRelease(int i, IntVar v) { return (int) rmw(v, Rmw.XOR, i, 0, Order.RELEASE); }

    @SharedAccess public int atomicXchg(IntVar v, int i) { return (int) rmw(v, Rmw.XCHG, i, 0, Order.FULL); }

    @SharedAccess public int atomicXchgRelaxed(IntVar v, int i) { return (int) rmw(v, Rmw.XCHG, i, 0, Order.RELAXED); }

    @SharedAccess public int atomicXchgAcquire(IntVar v, int i) { return (int) rmw(v, Rmw.XCHG, i, 0, Order.ACQUIRE); }

    @SharedAccess public int atomicXchgRelease(IntVar v, int i) { return (int) rmw(v, Rmw.XCHG, i, 0, Order.RELEASE); }

    @SharedAccess public int atomicCmpxchg(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.FULL); }

    @SharedAccess public int atomicCmpxchgRelaxed(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.RELAXED); }

    @SharedAccess public int atomicCmpxchgAcquire(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.ACQUIRE); }

    @SharedAccess public int atomicCmpxchgRelease(IntVar v, int old, int val) { return (int) cas(v, old, val, Order.RELEASE); }

    /** atomic_dec_and_test(v): fully ordered; true when the new value is 0. */
    @SharedAccess public boolean atomicDecAndTest(IntVar v) { return rmw(v, Rmw.SUB, 1, 0, Order.FULL) == 1; }

    @SharedAccess public boolean atomicIncAndTest(IntVar v) { return rmw(v, Rmw.ADD, 1, 0, Order.FULL) == -1; }

    @SharedAccess public boolean atomicSubAndTest(int i, IntVar v) { return rmw(v, Rmw.SUB, i, 0, Order.FULL) == i; }

    /**
     * atomic_add_unless(v, a, u): adds a unless the value is u; true if it added. Fully ordered
     * when it adds, unordered when it does not.
     */
    @SharedAccess public boolean atomicAddUnless(IntVar v, int a, int u) { return addUnless(v, a, u); }

    /** atomic_inc_not_zero(v). */
    @SharedAccess public boolean atomicIncNotZero(IntVar v) { return addUnless(v, 1, 0); }

    private boolean addUnless(IntVar v, int a, int u) {
        boolean adds = be.peek(v) != u || mode.equals("tso");
        return rmw(v, Rmw.ADD_UNLESS, a, u, adds ? Order.FULL : Order.RELAXED) != u;
    }

    // ---- atomic64_t ----

    @SharedAccess public long atomic64Read(IntVar v) { return load(v, false, false, false); }

    @SharedAccess public void atomic64Set(IntVar v, long i) { store(v, i, false, false); }

    @SharedAccess public long atomic64IncReturn(IntVar v) { return rmw(v, Rmw.ADD, 1, 0, Order.FULL) + 1; }

    @SharedAccess public void atomic64Inc(IntVar v) { rmw(v, Rmw.ADD, 1, 0, Order.RELAXED); }

    // ---- spinlocks ----

    /** spin_lock(lock): spin until free, then take it with acquire ordering. */
    @SharedAccess public void spinLock(SpinLock l) { lock(l); }

    /** spin_unlock(lock): release ordering. */
    @SharedAccess public void spinUnlock(SpinLock l) { unlock(l); }

    /** spin_trylock(lock): true if it took the lock. */
    @SharedAccess public boolean spinTrylock(SpinLock l) {
        if (be.peek(l) != 0) {
            load(l, false, false, false);
            return false;
        }
        rmw(l, Rmw.XCHG, 1, 0, Order.LOCK);
        l.owner = cpu();
        l.ownerSite = machine.site();
        return true;
    }

    /** spin_is_locked(lock): a plain look at the lock word, no ordering. */
    @SharedAccess public boolean spinIsLocked(SpinLock l) { return load(l, false, false, false) != 0; }

    /** spin_lock_bh(lock): softirqs off on this CPU, then spin_lock. */
    @SharedAccess public void spinLockBh(SpinLock l) {
        irq.localBhDisable(cpu());
        lock(l);
    }

    /** spin_unlock_bh(lock): spin_unlock, then softirqs back on (pending ones may run). */
    @SharedAccess public void spinUnlockBh(SpinLock l) {
        unlock(l);
        irq.localBhEnable(cpu());
    }

    /** spin_lock_irq(lock): interrupts off on this CPU, then spin_lock. */
    @SharedAccess public void spinLockIrq(SpinLock l) {
        irq.localIrqDisable(cpu());
        lock(l);
    }

    @SharedAccess public void spinUnlockIrq(SpinLock l) {
        unlock(l);
        irq.localIrqEnable(cpu());
    }

    /** spin_lock_irqsave(lock, flags): returns the flags to hand to spin_unlock_irqrestore. */
    @SharedAccess public long spinLockIrqsave(SpinLock l) {
        long flags = irq.localIrqSave(cpu());
        lock(l);
        return flags;
    }

    @SharedAccess public void spinUnlockIrqrestore(SpinLock l, long flags) {
        unlock(l);
        irq.localIrqRestore(cpu(), flags);
    }

    private void lock(SpinLock l) {
        int c = cpu();
        String site = machine.site();
        irq.lockAcquiring(c, l, site);
        be.beforeLock(c);
        do {
            machine.await(() -> be.lockFree(l, c), "spinlock " + l.name);
        } while (!take(l, c));  // under the explorer the first take succeeds: nothing ran since the wait
        l.owner = c;
        l.ownerSite = site;
        irq.lockAcquired(c, l, site);
    }

    /** The lock's xchg, if the lock is still free: one step (see loadNewestIf). */
    private boolean take(SpinLock l, int c) {
        if (!be.lockFree(l, c)) return false;
        rmw(l, Rmw.XCHG, 1, 0, Order.LOCK);
        return true;
    }

    private void unlock(SpinLock l) {
        int c = cpu();
        l.owner = -1;
        l.ownerSite = "";
        store(l, 0, false, true);
        irq.lockReleased(c, l);
    }

    /** The CPU that holds {@code l}, or -1. */
    public int owner(SpinLock l) { return l.owner; }

    /** The site where the holder of {@code l} took it. */
    public String ownerSite(SpinLock l) { return l.ownerSite; }

    // ---- for the engine, oracles and the litmus runner ----

    /** The store-buffer drains (tso) enabled now, as instance action codes. */
    public int extraActions(int[] out, int off) { return be.extraActions(out, off); }

    public void perform(int action) {
        if (tracing && be instanceof TsoBackend t) {
            Loc l = t.headLoc(action);
            if (l != null) {
                long v = t.headVal(action);
                machine.traced(l.name, () -> ":= " + value(l, v));
            }
        }
        be.perform(action);
    }

    /** A value as traces show it: a pointer location's value is the object's name. */
    private String value(Loc l, long v) {
        if (l.shownAs != null) return l.shownAs.apply(v);
        if (!(l instanceof RefVar)) return Long.toString(v);
        Object o = object(v);
        return o == null ? "NULL" : o.toString();
    }

    public String label(int action) { return be.label(action); }

    /**
     * Marks the races on {@code l} as known: the detector does not report them (as a known,
     * triaged KCSAN report is not reported again). Ordering is still tracked.
     */
    public void knownRace(Loc l) { l.raceKnown = true; }

    /** The value of {@code l} in memory (the newest store that left its store buffer). */
    public long peek(Loc l) { return be.peek(l); }

    /**
     * The value the program stored to {@code l} last, even if it still waits in a store buffer:
     * what an oracle checks program state against (a CPU's own fields, as the CPU sees them).
     */
    public long peekLatest(Loc l) { return be.peekLatest(l); }

    /** {@link #peekLatest} of a pointer location. */
    @SuppressWarnings("unchecked")
    public <T> T peekLatest(RefVar<T> l) { return (T) object(be.peekLatest(l)); }

    /** A hash of the memory's whole state (every value, buffer and view), for state caching. */
    public long stateHash() { return be.stateHash(locs, nlocs); }

    /** The locations, in creation order. */
    public List<Loc> locations() { return List.of(Arrays.copyOf(locs, nlocs)); }
}
