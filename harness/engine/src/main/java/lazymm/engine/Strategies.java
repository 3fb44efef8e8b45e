package lazymm.engine;

import java.util.List;
import lazymm.engine.strategy.Exhaustive;
import lazymm.engine.strategy.Pct;
import lazymm.engine.strategy.RandomWalk;

/** Makes a strategy from its command-line name. */
public final class Strategies {

    public static final List<String> NAMES = List.of("random", "pct", "exhaustive", "swarm");

    private Strategies() {}

    /**
     * @param name            random, pct, exhaustive or swarm
     * @param seed            the seed of the choice source (random, pct, swarm)
     * @param pctDepth        PCT's bug depth d
     * @param preemptionBound exhaustive search's preemption bound
     */
    public static Strategy create(String name, long seed, int pctDepth, int preemptionBound) {
        return switch (name) {
            case "random" -> new RandomWalk(new SplitMix64(seed));
            case "swarm" -> new lazymm.engine.strategy.Swarm(new SplitMix64(seed));
            case "pct" -> {
                if (pctDepth < 1) throw new BadInput("--depth must be at least 1, got " + pctDepth);
                yield new Pct(new SplitMix64(seed), pctDepth);
            }
            case "exhaustive" -> {
                if (preemptionBound < 0) {
                    throw new BadInput("--preemptions must be 0 or more, got " + preemptionBound);
                }
                yield new Exhaustive(preemptionBound);
            }
            default -> throw new BadInput("unknown strategy '" + name + "' (expected one of "
                    + String.join(", ", NAMES) + ")");
        };
    }
}
