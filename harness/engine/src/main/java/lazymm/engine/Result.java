package lazymm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import lazymm.engine.trace.TraceEvent;
import lazymm.model.sim.Violation;

/**
 * What one execution did: its verdict (or none) and every finding in order, its length, the recorded choices that
 * replay it, a hash of every step (CPU and site, in order) for determinism checks, and the
 * per-step trace when it was kept.
 */
public final class Result {

    private final Violation violation;
    private final List<Violation> findings;
    private final boolean pruned;
    private final long steps;
    private final long switches;
    private final int[] choices;
    private final long traceHash;
    private final List<String> trace;
    private final List<TraceEvent> events;
    private final IntFunction<String> labels;

    Result(Violation violation, List<Violation> findings, boolean pruned, long steps, long switches, int[] choices, long traceHash, List<String> trace,
           List<TraceEvent> events, IntFunction<String> labels) {
        this.events = events;
        this.violation = violation;
        this.findings = List.copyOf(findings);
        this.pruned = pruned;
        this.steps = steps;
        this.switches = switches;
        this.choices = choices;
        this.traceHash = traceHash;
        this.trace = trace;
        this.labels = labels;
    }

    /**
     * The verdict, or null when the execution ended clean: the violation that ended it, or, when
     * it ran to its end with findings that did not end it, the first that is not a WARN (a freed
     * object still named), else its first WARN.
     */
    public Violation violation() { return violation; }

    /**
     * Every finding of the execution in the order it came: those that did not end it (a WARN, a
     * freed object still named), then the violation that ended it, if one did.
     */
    public List<Violation> findings() { return findings; }

    public boolean failed() { return violation != null; }

    /** True when state caching ended it early: its state had been explored before. */
    public boolean pruned() { return pruned; }

    /** Shared accesses performed plus instance actions. */
    public long steps() { return steps; }

    /** How many times a CPU was suspended (a real continuation switch). */
    public long switches() { return switches; }

    /** The chosen action codes at every point with two or more options. */
    public int[] choices() { return choices.clone(); }

    /** The choices as labels ({@code c0}, {@code c1}, ...): the schedule a reproducer stores. */
    public List<String> schedule() {
        List<String> out = new ArrayList<>(choices.length);
        for (int c : choices) out.add(labels.apply(c));
        return out;
    }

    public long traceHash() { return traceHash; }

    /** The trace as kernel events, or null if the trace was not kept. */
    public List<TraceEvent> events() { return events; }

    /** One line per step, or null if the trace was not kept. */
    public List<String> trace() { return trace; }
}
