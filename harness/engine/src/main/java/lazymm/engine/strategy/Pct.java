package lazymm.engine.strategy;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import lazymm.engine.Strategy;
import lazymm.model.sim.Actions;

/**
 * Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010).
 *
 * <p>Each execution gives every actor (a CPU, or an instance action such as one CPU's store-buffer
 * drain) a random priority of at least {@code d}, and picks {@code d-1} change points uniformly in
 * the first {@code k} steps. The enabled actor with the highest priority always runs; at the i-th
 * change point the actor that is running drops to priority {@code i}. A bug of depth {@code d} is
 * found with probability at least {@code 1/(n k^(d-1))} per execution. {@code k} is learned: the
 * longest execution seen so far. Choices inside an access (which store a load reads, under the
 * weak memory mode) are not scheduling and are drawn uniformly.
 */
public final class Pct implements Strategy {

    private final RandomGenerator rnd;
    private final int depth;
    private long k = 64;
    private int[] priority = new int[512];
    private long[] changePoints = new long[0];
    private int nextChange;

    public Pct(RandomGenerator rnd, int depth) {
        if (depth < 1) throw new IllegalArgumentException("PCT depth must be at least 1, got " + depth);
        this.rnd = rnd;
        this.depth = depth;
    }

    @Override public String name() { return "pct(d=" + depth + ")"; }

    @Override
    public boolean startExecution() {
        Arrays.fill(priority, 0);  // 0: not assigned yet; assigned lazily when first seen
        changePoints = new long[depth - 1];
        for (int i = 0; i < changePoints.length; i++) {
            changePoints[i] = 1 + (long) (rnd.nextDouble() * k);
        }
        Arrays.sort(changePoints);
        nextChange = 0;
        return true;
    }

    private int slot(int action) {
        // run actions are 0..63; instance actions from 256 up
        int s = action < 256 ? action : 64 + (action - 256);
        if (s >= priority.length) priority = Arrays.copyOf(priority, s * 2);
        return s;
    }

    private int priorityOf(int action) {
        int s = slot(action);
        if (priority[s] == 0) {
            priority[s] = depth + 1 + rnd.nextInt(1 << 20);
        }
        return priority[s];
    }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        if (Actions.isValue(opts[0]) || opts[1] == Actions.PREEMPT) {
            return rnd.nextInt(n);  // which store a load reads: no priorities, uniform
        }
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
        if (steps > k) k = steps;
    }
}
