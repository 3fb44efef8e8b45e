package lazymm.model.mem;

import java.util.Arrays;
import lazymm.model.sim.Machine;

/**
 * The weak mode: a view-based operational model in the style of the promising semantics (Kang,
 * Hur, Lahav, Vafeiadis, Dreyer, POPL 2017) without promises, with the kernel's barriers.
 *
 * <p>Each location keeps every store ever made to it, in coherence order (a "message" has a value
 * and the view its writer published with it). Each CPU has three views, vectors that give per
 * location the oldest message the CPU may still read:
 * <ul>
 *   <li>{@code cur}: what its reads must respect now. A load may read any message at or after
 *       {@code cur[x]} (the engine chooses which: a load that reads an older store is how this
 *       mode shows store buffering, message passing without barriers, and reads out of order).
 *   <li>{@code acq}: everything the CPU has read, with the views of the stores it read; smp_rmb and
 *       smp_mb fold it into {@code cur}; smp_load_acquire folds in the view of what it read.
 *   <li>{@code rel}: what the CPU's stores publish. smp_store_release (and a release RMW,
 *       spin_unlock) sets it to {@code cur} joined with {@code acq}: LKMM's release is
 *       A-cumulative (cumul-fence contains A-cumul(po-rel), A-cumul(r) = rfe? ; r), so the stores
 *       the CPU read before the release, and what they published, are ordered before it (ISA2
 *       with a READ_ONCE on the middle CPU is forbidden); smp_mb sets it to its global view, which
 *       includes {@code acq} too (A-cumulative); smp_wmb sets it to {@code cur} (LKMM's wmb is
 *       not A-cumulative; {@code cur} holds the CPU's own stores, and what it acquired, which is
 *       more than LKMM orders).
 * </ul>
 * smp_mb also meets a global view (the order of full barriers), which forbids store buffering
 * across two full barriers (SB+mb). Taking a spinlock is an acquire that also republishes what
 * the previous holder's unlock published (LKMM's po-unlock-rf-lock-po is a cumulative fence:
 * ISA2+locks+mb is forbidden). Value-returning RMWs read the newest message and append after
 * it; fully ordered ones are smp_mb on both sides. An RCU grace period of a litmus test
 * ({@link #gracePeriodStart}, {@link #readerAdopts}, {@link #gracePeriod}) hands a critical
 * section that starts during it the caller's view from its start.
 *
 * <p>Where it is stronger than LKMM, on purpose (it may miss a bug, never invent one): stores are
 * appended at the end of the coherence order; loads never read from a later store of their own
 * CPU (no load buffering: the litmus runner gets it by running a process's statements in the
 * orders LKMM's preserved program order allows, {@code lazymm.model.litmus.Reorder}; the kernel
 * model, Java code, has no such reordering and never shows LB); smp_wmb is cumulative (and a
 * release's view stays published by later plain stores, as after smp_wmb); a load of a pointer
 * orders the later loads through it (address dependencies, and a little more); a grace period
 * orders every CPU's accesses, not only those of read-side critical sections.
 */
final class WeakBackend extends Backend {

    private static final int[] EMPTY = new int[0];

    private final int[][] cur;
    private final int[][] acq;
    private final int[][] rel;
    private int[] sc = EMPTY;

    WeakBackend(Machine machine) {
        super(machine);
        int n = machine.nrCpus();
        cur = new int[n][];
        acq = new int[n][];
        rel = new int[n][];
        for (int c = 0; c < n; c++) {
            cur[c] = new int[16];
            acq[c] = new int[16];
            rel[c] = EMPTY;
        }
    }

    @Override
    void register(Loc l) {
        l.mval = new long[] {l.val, 0, 0, 0};
        l.mview = new int[4][];
        l.mview[0] = EMPTY;
        l.msync = new Object[4];
        l.n = 1;
    }

    private static int get(int[] v, int id) { return id < v.length ? v[id] : 0; }

    private void raise(int[][] views, int c, int id, int idx) {
        int[] v = views[c];
        if (id >= v.length) {
            v = Arrays.copyOf(v, Math.max(id + 1, v.length * 2));
            views[c] = v;
        }
        if (v[id] < idx) v[id] = idx;
    }

    /** views[c] := views[c] join other, in place. */
    private void joinInto(int[][] views, int c, int[] other) {
        int[] v = views[c];
        if (other.length > v.length) {
            v = Arrays.copyOf(v, other.length);
            views[c] = v;
        }
        for (int i = 0; i < other.length; i++) {
            if (v[i] < other[i]) v[i] = other[i];
        }
    }

    private static int[] join(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int i = 0; i < b.length; i++) {
            if (r[i] < b[i]) r[i] = b[i];
        }
        return r;
    }

    private static void append(Loc l, long v, int[] view, Object sync) {
        if (l.n == l.mval.length) {
            int cap = l.n * 2;
            l.mval = Arrays.copyOf(l.mval, cap);
            l.mview = Arrays.copyOf(l.mview, cap);
            l.msync = Arrays.copyOf(l.msync, cap);
        }
        l.mval[l.n] = v;
        l.mview[l.n] = view;
        l.msync[l.n] = sync;
        l.n++;
        l.val = v;
    }

    @Override
    long load(Loc l, int cpu, boolean acquire, boolean dep) {
        int lo = get(cur[cpu], l.id);
        int hi = l.n - 1;
        int i = lo >= hi ? hi : hi - machine.choose(hi - lo + 1);
        raise(cur, cpu, l.id, i);
        int[] mv = l.mview[i];
        joinInto(acq, cpu, mv);
        raise(acq, cpu, l.id, i);
        if (acquire || dep) joinInto(cur, cpu, mv);
        lastSync = l.msync[i];
        return l.mval[i];
    }

    @Override
    long loadNewest(Loc l, int cpu, boolean acquire) {
        int i = l.n - 1;
        raise(cur, cpu, l.id, i);
        int[] mv = l.mview[i];
        joinInto(acq, cpu, mv);
        raise(acq, cpu, l.id, i);
        if (acquire) joinInto(cur, cpu, mv);
        lastSync = l.msync[i];
        return l.mval[i];
    }

    @Override
    void store(Loc l, int cpu, long v, boolean release, Object sync) {
        if (release) rel[cpu] = published(cpu);
        append(l, v, rel[cpu], sync);
        raise(cur, cpu, l.id, l.n - 1);
    }

    @Override
    long rmw(Loc l, int cpu, Rmw op, long a, long b, Order order, Object sync) {
        if (order == Order.FULL) mb(cpu);
        if (order == Order.RELEASE) rel[cpu] = published(cpu);
        int i = l.n - 1;
        long old = l.mval[i];
        lastSync = l.msync[i];
        int[] mv = l.mview[i];
        joinInto(acq, cpu, mv);
        raise(acq, cpu, l.id, i);
        if (order == Order.ACQUIRE || order == Order.FULL || order == Order.LOCK) joinInto(cur, cpu, mv);
        if (order == Order.LOCK) rel[cpu] = join(rel[cpu], mv);  // pairs with: spin_unlock's release
        raise(cur, cpu, l.id, i);
        if (op.writes(old, a, b)) {
            // an RMW continues the release sequence of the store it read
            append(l, op.apply(old, a, b), join(rel[cpu], mv), sync);
            raise(cur, cpu, l.id, l.n - 1);
        }
        if (order == Order.FULL) mb(cpu);
        return old;
    }

    /**
     * What a release publishes: {@code cur} joined with {@code acq}, everything the CPU has
     * observed (read) so far with the views of the stores it read. LKMM's release is
     * A-cumulative (cumul-fence contains A-cumul(po-rel), A-cumul(r) = rfe? ; r): the stores a
     * CPU read before a release propagate to every CPU before the release store does, so a
     * reader that acquires the release store sees them (ISA2 with a relaxed read on the middle
     * CPU is forbidden). Publishing {@code cur} alone missed what was read relaxed.
     */
    private int[] published(int cpu) { return join(cur[cpu], acq[cpu]); }

    @Override
    void mb(int cpu) {
        joinInto(cur, cpu, acq[cpu]);
        joinInto(cur, cpu, sc);
        sc = cur[cpu].clone();
        rel[cpu] = sc;
    }

    /**
     * RCU's grace-period guarantee, pairwise with the caller (not between two other CPUs, which
     * need not have observed each other's quiescent states): each other CPU's reads so far are
     * folded in as its quiescent state's smp_mb() does; the caller's view takes in theirs, and
     * theirs take in the caller's view from before.
     */
    @Override
    void gracePeriod(int caller, int cpus) {
        mb(caller);
        int[] before = cur[caller].clone();
        for (int c = 0; c < cpus; c++) {
            if (c == caller) continue;
            joinInto(cur, c, acq[c]);
            joinInto(cur, caller, cur[c]);
        }
        for (int c = 0; c < cpus; c++) {
            if (c != caller) joinInto(cur, c, before);
        }
        mb(caller);
    }

    @Override
    Object gracePeriodStart(int caller) { return cur[caller].clone(); }

    @Override
    void readerAdopts(int cpu, Object start) { joinInto(cur, cpu, (int[]) start); }

    @Override
    long startHash(Object start) { return Arrays.hashCode((int[]) start); }

    @Override
    void wmb(int cpu) { rel[cpu] = cur[cpu].clone(); }

    @Override
    void rmb(int cpu) { joinInto(cur, cpu, acq[cpu]); }

    @Override
    boolean lockFree(SpinLock l, int cpu) { return l.val == 0; }

    @Override
    long stateHash(Loc[] locs, int nlocs) {
        long h = 17;
        for (int i = 0; i < nlocs; i++) {
            Loc l = locs[i];
            for (int m = 0; m < l.n; m++) h = (h * 31 + l.mval[m]) * 31 + Arrays.hashCode(l.mview[m]);
        }
        for (int c = 0; c < cur.length; c++) {
            h = h * 131 + hashPrefix(cur[c], nlocs);
            h = h * 131 + hashPrefix(acq[c], nlocs);
            h = h * 131 + hashPrefix(rel[c], nlocs);
        }
        return h * 131 + hashPrefix(sc, nlocs);
    }

    /** A hash of the first n entries of v, zeros past its end, so that trailing zeros do not count. */
    private static long hashPrefix(int[] v, int n) {
        long h = 1;
        for (int i = 0; i < n; i++) h = h * 31 + (i < v.length ? v[i] : 0);
        return h;
    }
}
