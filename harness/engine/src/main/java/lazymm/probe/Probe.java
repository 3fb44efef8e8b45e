package lazymm.probe;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * A probe: a small C program that shows a finding of the model on the running kernel. The
 * program prints machine-readable lines; the probe reads them, prints what they show and
 * decides the verdict, so that everything but the measurement is plain Java a test can run.
 */
public interface Probe {

    /** The finding's id, as in docs/findings/ (e.g. GLOBAL-STALE-STATE). */
    String id();

    /** One line for {@code ./lazymm probe --list}. */
    String summary();

    /** The C source, a resource next to this class. */
    String source();

    /** The program's arguments for the given settings. */
    List<String> args(Settings settings);

    /** Reads the program's output lines, prints the evidence and returns the verdict. */
    Verdict analyze(List<String> lines, Settings settings, PrintWriter out);

    /** How many trials, and how many calls in each burst of a trial. */
    record Settings(int trials, int calls) {}

    /** The result: what was shown, a one-line reason, and the figures for a JSON report. */
    record Verdict(Kind kind, String reason, Map<String, Object> details) {
        public enum Kind { EVIDENCE, NO_EVIDENCE, INCONCLUSIVE }
    }
}
