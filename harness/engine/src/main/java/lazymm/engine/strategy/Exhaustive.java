package lazymm.engine.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lazymm.engine.Strategy;
import lazymm.model.sim.Actions;

/**
 * Bounded exhaustive search with a preemption bound (Musuvathi and Qadeer, CHESS, PLDI 2007),
 * stateless: every execution starts from scratch, replays a prefix of recorded choices, then runs
 * without preemption (the running CPU goes on while it can; otherwise the first enabled action).
 * After each execution the search backtracks to the deepest choice that still has an untried
 * alternative within the bound.
 *
 * <p>A preemption is switching away from a CPU that could have gone on. Instance actions (a
 * store-buffer drain) and choices inside the model are not preemptions; a switch after a CPU
 * finished or blocked is free; preempting a task at a kernel preemption point
 * ({@code Machine.preempt}) is one. With bound {@code b} the search covers every execution with at most {@code b}
 * preemptions, iterating the bound upward is how a failure with the fewest switches is found
 * first.
 */
public final class Exhaustive implements Strategy {

    private static final class Frame {
        final int[] opts;
        final int running;
        final int preemptionsBefore;
        /** The options already explored from this frame (the default first, then by index). */
        final boolean[] tried;
        int chosen;

        Frame(int[] opts, int running, int preemptionsBefore, int chosen) {
            this.opts = opts;
            this.running = running;
            this.preemptionsBefore = preemptionsBefore;
            this.chosen = chosen;
            this.tried = new boolean[opts.length];
            this.tried[chosen] = true;
        }

        int cost(int idx) {
            int a = opts[idx];
            if (a == Actions.PREEMPT) return 1;  // a task preempted at a preemption point
            boolean switchesCpu = (Actions.isRun(a) || Actions.isIrq(a)) && Actions.cpuOf(a) != running;
            return running >= 0 && switchesCpu ? 1 : 0;
        }
    }

    private final int bound;
    /** States explored from, when state caching is on (null: off). */
    private final StateSet seen;
    /** The most states {@link #seen} remembers (8 bytes each, twice that in its table). */
    public static final int MAX_STATES = 1 << 23;
    private long pruned;
    private final List<Frame> stack = new ArrayList<>();
    private int depth;
    private int preemptions;
    private boolean first = true;
    private long executions;

    public Exhaustive(int preemptionBound) { this(preemptionBound, false); }

    /**
     * @param cacheStates skip states explored before (stateful search). Only sound with an
     *                    unbounded search ({@code Integer.MAX_VALUE}): with a preemption bound the
     *                    subtree below a state depends on the preemptions spent to reach it.
     */
    public Exhaustive(int preemptionBound, boolean cacheStates) {
        if (preemptionBound < 0) throw new IllegalArgumentException("preemption bound must be >= 0");
        if (cacheStates && preemptionBound != Integer.MAX_VALUE) {
            throw new IllegalArgumentException("state caching needs an unbounded search");
        }
        this.bound = preemptionBound;
        this.seen = cacheStates ? new StateSet(MAX_STATES) : null;
    }

    /**
     * A state is new the first time it is reached below the replayed prefix; on the prefix itself
     * (before {@code depth} reaches the stack) it is the state the frame was made in, seen before
     * by definition, and must not prune.
     */
    @Override
    public boolean visit(long stateHash) {
        if (seen == null || depth < stack.size()) return true;
        if (seen.add(stateHash)) return true;
        pruned++;
        return false;
    }

    /** How many states the cache holds (0 without caching). */
    public int statesCached() { return seen == null ? 0 : seen.size(); }

    /** True once the state cache is full: states after that are explored again when reached again. */
    public boolean cacheFull() { return seen != null && seen.full(); }

    /** Executions ended early because their state had been explored before. */
    public long pruned() { return pruned; }

    @Override public String name() { return "exhaustive(preemptions<=" + bound + ")"; }

    @Override
    public boolean startExecution() {
        if (!first && !backtrack()) return false;
        first = false;
        depth = 0;
        preemptions = 0;
        executions++;
        return true;
    }

    /** Moves the deepest frame with an alternative left to that alternative; false when done. */
    private boolean backtrack() {
        while (!stack.isEmpty()) {
            Frame f = stack.get(stack.size() - 1);
            for (int i = 0; i < f.opts.length; i++) {
                if (!f.tried[i] && f.preemptionsBefore + f.cost(i) <= bound) {
                    f.tried[i] = true;
                    f.chosen = i;
                    return true;
                }
            }
            stack.remove(stack.size() - 1);
        }
        return false;
    }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        int idx;
        if (depth < stack.size()) {
            Frame f = stack.get(depth);
            if (f.opts.length != n || !Arrays.equals(f.opts, 0, n, opts, 0, n)) {
                throw new IllegalStateException("the model is not deterministic: at choice " + depth
                        + " the enabled actions were " + Arrays.toString(f.opts) + " and are now "
                        + Arrays.toString(Arrays.copyOf(opts, n)));
            }
            idx = f.chosen;
        } else {
            idx = 0;
            for (int i = 0; i < n; i++) {
                if (opts[i] == running) {
                    idx = i;
                    break;
                }
            }
            Frame f = new Frame(Arrays.copyOf(opts, n), running, preemptions, idx);
            stack.add(f);
        }
        Frame f = stack.get(depth);
        preemptions = f.preemptionsBefore + f.cost(idx);
        depth++;
        return idx;
    }

    /** Executions started so far. */
    public long executions() { return executions; }

    public int bound() { return bound; }
}
