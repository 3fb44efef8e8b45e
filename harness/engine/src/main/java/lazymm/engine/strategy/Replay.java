package lazymm.engine.strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Follows a recorded schedule (action labels at every point with two or more options). When the
 * execution no longer fits the recording, it stops with a {@link Diverged} that says where and
 * how, instead of quietly running something else.
 */
public final class Replay extends Recorded {

    /** The recorded schedule does not fit this execution. */
    public static final class Diverged extends RuntimeException {
        public Diverged(String message) { super(message, null, false, false); }
    }


    public Replay(List<String> schedule) { super(schedule); }

    @Override public String name() { return "replay"; }

    @Override
    public int choose(int[] opts, int n, int running, long step) {
        List<String> found = new ArrayList<>(n);
        for (int i = 0; i < n; i++) found.add(labels.apply(opts[i]));
        if (pos >= schedule.size()) {
            throw new Diverged("diverged at step " + step + " (choice " + (pos + 1)
                    + "): expected the end, the schedule has ended; found options " + found);
        }
        String want = schedule.get(pos);
        int idx = found.indexOf(want);
        if (idx < 0) {
            throw new Diverged("diverged at step " + step + " (choice " + (pos + 1)
                    + "): expected " + want + ", found options " + found);
        }
        pos++;
        return idx;
    }

    /** After the execution: the number of recorded choices it did not use. */
    public int unused() { return schedule.size() - pos; }
}
