package lazymm.engine.strategy;

import java.util.random.RandomGenerator;
import lazymm.engine.Strategy;

/** At every choice, one of the enabled actions uniformly at random. */
public final class RandomWalk implements Strategy {

    private final RandomGenerator rnd;

    public RandomWalk(RandomGenerator rnd) { this.rnd = rnd; }

    @Override public String name() { return "random"; }

    @Override public boolean startExecution() { return true; }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        return rnd.nextInt(n);
    }
}
