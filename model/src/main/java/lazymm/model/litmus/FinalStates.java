package lazymm.model.litmus;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the final states of a litmus test's executions go: each distinct state (the values of
 * {@link LitmusTest#keys()}, in order) with the number of executions that ended in it. Read by
 * the litmus runner; filled by {@link LitmusInstance#checkFinal()} outside the CPUs (at
 * quiescence), so its mutable fields are never yield points.
 */
public final class FinalStates {

    /** A final state: the values of the keys. */
    public record State(long[] values) {
        @Override public boolean equals(Object o) { return o instanceof State s && Arrays.equals(values, s.values); }

        @Override public int hashCode() { return Arrays.hashCode(values); }

        @Override public String toString() { return Arrays.toString(values); }
    }

    private final Map<State, Long> counts = new LinkedHashMap<>();

    void add(long[] values) { counts.merge(new State(values.clone()), 1L, Long::sum); }

    /** The states in the order first reached, with their counts. */
    public Map<State, Long> counts() { return counts; }
}
