package lazymm.engine.strategy;

import lazymm.engine.Strategy;

/**
 * Always switches: the next enabled CPU after the running one. Used by the benchmark to measure
 * the cost of a real CPU switch at every yield point; no use for finding bugs.
 */
public final class RoundRobin implements Strategy {

    @Override public String name() { return "round-robin"; }

    @Override public boolean startExecution() { return true; }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        for (int i = 0; i < n; i++) {
            if (opts[i] > running) return i;
        }
        return 0;
    }
}
