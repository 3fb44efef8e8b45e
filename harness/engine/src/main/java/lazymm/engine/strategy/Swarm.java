package lazymm.engine.strategy;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import lazymm.engine.Strategy;
import lazymm.model.sim.Actions;

/**
 * Swarm testing over schedulers (after Groce, Zhang, Eide, Chen, Regehr, ISSTA 2012, who draw a
 * random subset of features per test): each execution draws its own schedule shape, so that some
 * executions hold a CPU, or its stores, still for a long window while the others run whole kernel
 * paths, which a uniform random walk almost never does (its drains are as likely as any access).
 *
 * <p>Per execution, from the choice source:
 * <ul>
 *   <li>a <b>visibility weight</b> w from {1, 1/4, 1/16, 1/64, 1/256}: a store-buffer drain (x86-TSO) is
 *       w times as likely as a run action, and under the weak mode a load reads the newest store
 *       with weight w against 1 for each older one it may read; so some executions keep stores
 *       buffered, or unseen, across a whole call of another CPU;</li>
 *   <li>a <b>shape</b>, one of three equally likely:
 *     <ul>
 *       <li><b>walk</b>: the weighted random walk;</li>
 *       <li><b>pct</b>: PCT (Burckhardt et al. 2010) with 1 to 3 change points in the first k
 *           steps (drains are actors with priorities, as in {@link Pct}); value choices weighted
 *           as above;</li>
 *       <li><b>stall</b>: the weighted walk, except that in a window of N steps (N log-uniform in
 *           {@value #MIN_STALL}..{@value #MAX_STALL}, starting at a step uniform in the first k)
 *           the CPU running at the window's start is not chosen, nor its pending interrupt, nor
 *           its store buffer's drain, whenever anything else is enabled; or, in half of these
 *           executions, only its store buffer is held (the CPU runs on, its stores stay
 *           buffered).</li>
 *     </ul></li>
 * </ul>
 * A preemption point preempts with probability 1/2, as in the random walk. {@code k} is learned as
 * in {@link Pct} (the longest execution so far), from the PCT executions only, unless given.
 */
public final class Swarm implements Strategy {

    /** The visibility weights, as a run action's weight ({@value #RUN_WEIGHT}) shifted right. */
    static final int RUN_WEIGHT = 256;
    static final int[] DRAIN_WEIGHTS = {256, 64, 16, 4, 1};
    static final int MIN_STALL = 8;
    static final int MAX_STALL = 8192;

    /** The shapes. */
    public enum Shape { WALK, PCT, STALL }

    private final RandomGenerator rnd;
    private final boolean learn;
    private long k;
    private long from;

    // this execution's shape
    private Shape shape;
    private int drainWeight;
    private long stallStart;
    private long stallEnd;
    private int stalled = -1;
    /** The stall holds the CPU and its store buffer, or (false) its store buffer alone. */
    private boolean stallCpu;
    private int[] priority = new int[512];
    private long[] changePoints = new long[0];
    private int nextChange;
    private int depth;
    private final int[] weights = new int[512];
    private final int[] keep = new int[512];

    /** Explore's swarm: k learned from the longest execution so far. */
    public Swarm(RandomGenerator rnd) {
        this(rnd, 64, true);
    }

    /**
     * @param rnd   the choice source
     * @param k     the window the change points and the stall's start fall in
     * @param learn true to widen k to the longest execution seen
     */
    public Swarm(RandomGenerator rnd, long k, boolean learn) {
        this.rnd = rnd;
        this.k = Math.max(1, k);
        this.learn = learn;
    }

    @Override public String name() { return "swarm"; }

    @Override
    public boolean startExecution() {
        begin(0);
        return true;
    }

    /** Draws this execution's shape; its change points and stall fall in steps {@code from .. from+k}. */
    public void begin(long from) {
        this.from = from;
        drainWeight = DRAIN_WEIGHTS[rnd.nextInt(DRAIN_WEIGHTS.length)];
        shape = Shape.values()[rnd.nextInt(3)];
        stalled = -1;
        stallStart = stallEnd = -1;
        nextChange = 0;
        changePoints = new long[0];
        if (shape == Shape.PCT) {
            Arrays.fill(priority, 0);
            depth = 1 + rnd.nextInt(3);
            changePoints = new long[depth];
            for (int i = 0; i < depth; i++) changePoints[i] = from + 1 + (long) (rnd.nextDouble() * k);
            Arrays.sort(changePoints);
        } else if (shape == Shape.STALL) {
            stallStart = from + (long) (rnd.nextDouble() * k);
            double logN = Math.log(MIN_STALL) + rnd.nextDouble() * (Math.log(MAX_STALL) - Math.log(MIN_STALL));
            stallEnd = stallStart + Math.round(Math.exp(logN));
            stallCpu = rnd.nextBoolean();
        }
    }

    /** This execution's shape, its drain weight (run actions weigh {@value #RUN_WEIGHT}), the stalled CPU. */
    public Shape shape() { return shape; }

    int drainWeight() { return drainWeight; }

    /** True when the stall holds the CPU with its store buffer, false when the buffer alone. */
    public boolean stallsCpu() { return stallCpu; }

    /** The stalled CPU, once the stall started (else -1). */
    public int stalled() { return stalled; }

    /** The stall's window [start, end) in steps (-1 without a stall). */
    public long stallStart() { return stallStart; }

    public long stallEnd() { return stallEnd; }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        if (opts[1] == Actions.PREEMPT && n == 2) return rnd.nextInt(2);
        if (Actions.isValue(opts[0])) {
            // r0 is the newest store: weight w, each older one RUN_WEIGHT
            long total = drainWeight + (long) (n - 1) * RUN_WEIGHT;
            long x = (long) (rnd.nextDouble() * total);
            return x < drainWeight ? 0 : 1 + (int) Math.min(n - 2, (x - drainWeight) / RUN_WEIGHT);
        }
        if (shape == Shape.PCT) return byPriority(opts, n, running, step);
        int m = n;
        int[] idx = null;
        if (shape == Shape.STALL && step >= stallStart && step < stallEnd) {
            if (stalled < 0) {
                stalled = running >= 0 ? running : Actions.cpuOf(opts[firstRun(opts, n)]);
            }
            m = 0;
            for (int i = 0; i < n; i++) {
                boolean held = cpuOf(opts[i]) == stalled && (stallCpu || opts[i] >= Actions.FIRST_EXTRA);
                if (!held) keep[m++] = i;
            }
            if (m == 0) m = n;  // nothing else can go on
            else idx = keep;
        }
        long total = 0;
        for (int j = 0; j < m; j++) {
            int i = idx == null ? j : idx[j];
            total += weights[j] = weight(opts[i]);
        }
        long x = (long) (rnd.nextDouble() * total);
        for (int j = 0; j < m; j++) {
            x -= weights[j];
            if (x < 0) return idx == null ? j : idx[j];
        }
        return idx == null ? m - 1 : idx[m - 1];
    }

    private int weight(int action) {
        return action >= Actions.FIRST_EXTRA ? drainWeight : RUN_WEIGHT;
    }

    private static int firstRun(int[] opts, int n) {
        for (int i = 0; i < n; i++) if (Actions.isRun(opts[i])) return i;
        return 0;
    }

    /**
     * The CPU an action belongs to: a run or an interrupt's CPU; an instance action (a store
     * buffer's drain, {@code FIRST_EXTRA + cpu}) its CPU's.
     */
    static int cpuOf(int action) {
        if (action >= Actions.FIRST_EXTRA) return action - Actions.FIRST_EXTRA;
        return Actions.cpuOf(action);
    }

    private int slot(int action) {
        int s = action < 256 ? action : 128 + (action - 256);
        if (s >= priority.length) priority = Arrays.copyOf(priority, s * 2);
        return s;
    }

    private int priorityOf(int action) {
        int s = slot(action);
        if (priority[s] == 0) priority[s] = depth + 1 + rnd.nextInt(1 << 20);
        return priority[s];
    }

    private int byPriority(int[] opts, int n, int running, long step) {
        while (nextChange < changePoints.length && changePoints[nextChange] <= step) {
            if (running >= 0) {
                priorityOf(running);
                priority[slot(running)] = nextChange + 1;  // below every initial priority
            }
            nextChange++;
        }
        int best = 0;
        int bestPrio = priorityOf(opts[0]);
        for (int i = 1; i < n; i++) {
            int p = priorityOf(opts[i]);
            if (p > bestPrio) {
                best = i;
                bestPrio = p;
            }
        }
        return best;
    }

    @Override
    public void endExecution(long steps) {
        // learned from the PCT executions alone: a stall, or drains weighted down, can stretch an
        // execution (CPUs spin while another is held) far beyond the usual length, and a k of
        // that length would spread the change points and stalls thin
        if (learn && shape == Shape.PCT && steps - from > k) k = steps - from;
    }
}
