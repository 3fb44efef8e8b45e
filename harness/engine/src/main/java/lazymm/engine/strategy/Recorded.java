package lazymm.engine.strategy;

import java.util.List;
import java.util.function.IntFunction;
import lazymm.engine.Strategy;

/** A strategy that follows a recorded schedule of choice labels in one execution. */
abstract class Recorded implements Strategy {

    final List<String> schedule;
    IntFunction<String> labels;
    int pos;
    private boolean started;

    Recorded(List<String> schedule) { this.schedule = List.copyOf(schedule); }

    /** How action codes are spelled in the schedule; set before the execution starts. */
    public void labels(IntFunction<String> labels) { this.labels = labels; }

    @Override
    public boolean startExecution() {
        if (started) return false;
        started = true;
        pos = 0;
        return true;
    }
}
