package lazymm.model.mem;

import java.util.Arrays;
import lazymm.model.sim.Actions;
import lazymm.model.sim.Machine;

/**
 * x86-TSO (Owens, Sarkar, Sewell 2009): one memory, and a FIFO store buffer per CPU. A store goes
 * into the buffer; a load reads the newest buffered store to its location, else memory. The
 * buffer drains its oldest entry to memory when the scheduler chooses (an action {@code d<cpu>}).
 *
 * <p>x86 lowering: every locked instruction (xchg, cmpxchg, every atomic RMW including the void
 * ones) and mfence (smp_mb) drain the buffer first; smp_wmb, smp_rmb, release and acquire are
 * plain accesses, since TSO already keeps those orders.
 */
final class TsoBackend extends Backend {

    private static final int DRAIN = Actions.FIRST_EXTRA;

    private Loc[][] bufLoc;
    private long[][] bufVal;
    private Object[][] bufSync;
    private long[][] bufSeq;
    private long seq;
    private int[] head;
    private int[] tail;

    TsoBackend(Machine machine) {
        super(machine);
        int n = machine.nrCpus();
        bufLoc = new Loc[n][8];
        bufVal = new long[n][8];
        bufSync = new Object[n][8];
        bufSeq = new long[n][8];
        head = new int[n];
        tail = new int[n];
    }

    @Override
    long load(Loc l, int cpu, boolean acquire, boolean dep) {
        Loc[] bl = bufLoc[cpu];
        for (int i = tail[cpu] - 1; i >= head[cpu]; i--) {
            if (bl[i] == l) {
                lastSync = null;  // our own store: no synchronization with anyone
                return bufVal[cpu][i];
            }
        }
        lastSync = l.memSync;
        return l.val;
    }

    @Override
    void store(Loc l, int cpu, long v, boolean release, Object sync) {
        if (tail[cpu] == bufLoc[cpu].length) compact(cpu);
        int t = tail[cpu]++;
        bufLoc[cpu][t] = l;
        bufVal[cpu][t] = v;
        bufSync[cpu][t] = sync;
        bufSeq[cpu][t] = ++seq;
    }

    private void compact(int cpu) {
        int h = head[cpu];
        int len = tail[cpu] - h;
        int cap = Math.max(8, len * 2);
        Loc[] nl = new Loc[cap];
        long[] nv = new long[cap];
        Object[] ns = new Object[cap];
        long[] nq = new long[cap];
        System.arraycopy(bufLoc[cpu], h, nl, 0, len);
        System.arraycopy(bufVal[cpu], h, nv, 0, len);
        System.arraycopy(bufSync[cpu], h, ns, 0, len);
        System.arraycopy(bufSeq[cpu], h, nq, 0, len);
        bufLoc[cpu] = nl;
        bufVal[cpu] = nv;
        bufSync[cpu] = ns;
        bufSeq[cpu] = nq;
        head[cpu] = 0;
        tail[cpu] = len;
    }

    private void drainOne(int cpu) {
        int h = head[cpu]++;
        Loc l = bufLoc[cpu][h];
        l.val = bufVal[cpu][h];
        l.memSync = bufSync[cpu][h];
        bufLoc[cpu][h] = null;
        bufSync[cpu][h] = null;
        if (head[cpu] == tail[cpu]) {
            head[cpu] = 0;
            tail[cpu] = 0;
        }
    }

    private void drainAll(int cpu) {
        while (head[cpu] < tail[cpu]) drainOne(cpu);
    }

    @Override
    long rmw(Loc l, int cpu, Rmw op, long a, long b, Order order, Object sync) {
        drainAll(cpu);  // a locked instruction
        return rmwInMemory(l, op, a, b, sync);
    }

    @Override void mb(int cpu) { drainAll(cpu); }

    @Override void wmb(int cpu) {}

    @Override void rmb(int cpu) {}

    @Override
    void beforeLock(int cpu) { drainAll(cpu); }  // the lock's xchg is a locked instruction

    @Override
    boolean lockFree(SpinLock l, int cpu) { return l.val == 0; }

    @Override
    int extraActions(int[] out, int off) {
        int n = 0;
        for (int c = 0; c < head.length; c++) {
            if (head[c] < tail[c]) out[off + n++] = DRAIN + c;
        }
        return n;
    }

    @Override
    void perform(int action) { drainOne(action - DRAIN); }

    @Override
    String label(int action) { return "d" + (action - DRAIN); }

    /** Tracing: the location the drain {@code action} writes, or null. */
    Loc headLoc(int action) {
        int c = action - DRAIN;
        return c >= 0 && c < head.length && head[c] < tail[c] ? bufLoc[c][head[c]] : null;
    }

    /** Tracing: the value the drain {@code action} writes. */
    long headVal(int action) { return bufVal[action - DRAIN][head[action - DRAIN]]; }

    /** The value of the store to {@code l} issued last, buffered or not. */
    @Override
    long peekLatest(Loc l) {
        long best = -1;
        long v = l.val;
        for (int c = 0; c < head.length; c++) {
            for (int i = head[c]; i < tail[c]; i++) {
                if (bufLoc[c][i] == l && bufSeq[c][i] > best) {
                    best = bufSeq[c][i];
                    v = bufVal[c][i];
                }
            }
        }
        return v;
    }

    /** The number of stores waiting in {@code cpu}'s buffer. */
    int buffered(int cpu) { return tail[cpu] - head[cpu]; }

    @Override
    long stateHash(Loc[] locs, int nlocs) {
        long h = 17;
        for (int i = 0; i < nlocs; i++) h = h * 31 + locs[i].val;
        for (int c = 0; c < head.length; c++) {
            h = h * 131 + 1;
            for (int i = head[c]; i < tail[c]; i++) h = (h * 31 + bufLoc[c][i].id) * 31 + bufVal[c][i];
        }
        return h;
    }

    @Override
    public String toString() { return "tso " + Arrays.toString(head); }
}
