package lazymm.engine.strategy;

import java.util.ArrayList;
import java.util.List;
import lazymm.model.sim.Actions;

/**
 * Follows a schedule of choice labels as far as it fits, and never diverges: the strategy that
 * schedule minimization runs its candidates with (a candidate is a recorded schedule with a
 * choice deleted or runs moved, or a program with an operation dropped, which the recorded
 * labels no longer fit exactly).
 *
 * <p>The rule, at every point with two or more options:
 * <ul>
 *   <li>when the next recorded label is one of the options, it is taken and consumed;</li>
 *   <li>otherwise (the label is not enabled here, or the schedule has run out) the
 *       <em>default</em> is taken and the label waits for a later point: the CPU that is running
 *       goes on (no context switch, no drain, no interrupt), or the first runnable CPU when none
 *       is running; at a preemption point, no preemption ({@code r0}); at a choice inside an
 *       access, alternative {@code r0} (the newest store, the first ready task).</li>
 * </ul>
 * So a schedule's content is its deviations from the default; deleting a label makes that
 * point default. What was chosen is recorded ({@link #taken()}) so that the execution's exact
 * schedule ({@link lazymm.engine.Result#schedule()}) replays strictly with {@link Replay}.
 */
public final class LenientReplay extends Recorded {

    /** The kind of a choice point. */
    public enum Kind {
        /** Which CPU runs next, or an interrupt, or an instance action (a drain). */
        PICK,
        /** Preempt the running task here or not ({@code r0} / {@code p}). */
        PREEMPT,
        /** An alternative inside an access ({@code r0}, {@code r1}, ...). */
        VALUE
    }

    /**
     * One choice as it was made.
     *
     * @param kind     the kind of point
     * @param running  the CPU that reached it and may go on, or -1
     * @param label    the label chosen
     * @param deviates true when the choice is not the default one
     */
    public record Choice(Kind kind, int running, String label, boolean deviates) {

        /** A context switch: another CPU runs although the running one could go on. */
        public boolean isSwitch() { return kind == Kind.PICK && deviates && label.startsWith("c"); }
    }

    private final List<Choice> taken = new ArrayList<>();

    public LenientReplay(List<String> schedule) { super(schedule); }

    @Override public String name() { return "lenient-replay"; }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        Kind kind = kindOf(opts, n);
        int def = defaultIndex(kind, opts, n, running);
        int idx = -1;
        if (pos < schedule.size()) {
            String want = schedule.get(pos);
            for (int i = 0; i < n; i++) {
                if (labels.apply(opts[i]).equals(want)) {
                    idx = i;
                    break;
                }
            }
            if (idx >= 0) pos++;
        }
        if (idx < 0) idx = def;
        taken.add(new Choice(kind, running, labels.apply(opts[idx]), idx != def));
        return idx;
    }

    static Kind kindOf(int[] opts, int n) {
        for (int i = 0; i < n; i++) {
            if (opts[i] == Actions.PREEMPT) return Kind.PREEMPT;
        }
        return Actions.isValue(opts[0]) ? Kind.VALUE : Kind.PICK;
    }

    /** The default choice at a point: no switch, no drain, no interrupt, no preemption, r0. */
    static int defaultIndex(Kind kind, int[] opts, int n, int running) {
        if (kind != Kind.PICK) return 0;  // r0: no preemption, the first alternative
        int firstRun = -1;
        for (int i = 0; i < n; i++) {
            if (Actions.isRun(opts[i])) {
                if (opts[i] == running) return i;
                if (firstRun < 0) firstRun = i;
            }
        }
        return firstRun >= 0 ? firstRun : 0;
    }

    /** The choices made, in order (one per recorded label of the exact schedule). */
    public List<Choice> taken() { return taken; }

    /** How many labels of the given schedule were followed. */
    public int consumed() { return pos; }
}
