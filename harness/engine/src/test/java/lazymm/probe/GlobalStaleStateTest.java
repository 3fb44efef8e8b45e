package lazymm.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import lazymm.probe.Probe.Verdict.Kind;
import org.junit.jupiter.api.Test;

/**
 * The verdict rule of the GLOBAL-STALE-STATE probe, on outputs of its C program written here
 * (the same line format), with the CAL row's cpu1 column counting what each burst received.
 */
class GlobalStaleStateTest {

    static final int CALLS = 200;
    static final int TRIALS = 20;

    /** One trial's four bursts: IPIs counted on cpu1 (exit before, exit after, sleep before, sleep after). */
    record Counts(long exitBefore, long exitAfter, long sleepBefore, long sleepAfter) {}

    /** The program's output for these trials; cpu0's column moves too, to show only cpu1 counts. */
    static List<String> output(List<Counts> trials) {
        List<String> l = new ArrayList<>();
        l.add("uname Linux 6.18.44-test #1 SMP PREEMPT_DYNAMIC x86_64");
        l.add("config trials=" + trials.size() + " calls=" + CALLS + " caller_cpu=0 target_cpu=1");
        l.add("irq-header            CPU0       CPU1       ");
        long cal = 1_368_918;
        int n = 0;
        for (Counts c : trials) {
            n++;
            cal = burst(l, n, "exit", "before", cal, c.exitBefore());
            cal = burst(l, n, "exit", "after", cal, c.exitAfter());
            cal = burst(l, n, "sleep", "before", cal, c.sleepBefore());
            cal = burst(l, n, "sleep", "after", cal, c.sleepAfter());
        }
        l.add("done");
        return l;
    }

    private static long burst(List<String> l, int n, String mode, String phase, long cal, long ipis) {
        String k = "trial=" + n + " mode=" + mode + " phase=" + phase;
        l.add("burst " + k + " spins=123456 ns=2000000");
        l.add("irq " + k + " edge=start CAL:    " + (5000 + cal) + "    " + cal + "   Function call interrupts");
        l.add("irq " + k + " edge=end CAL:    " + (5999 + cal) + "    " + (cal + ipis) + "   Function call interrupts");
        return cal + ipis + 7;  // IPIs between bursts do not count
    }

    static List<Counts> repeat(Counts c) {
        return java.util.Collections.nCopies(TRIALS, c);
    }

    static Probe.Verdict verdict(List<String> lines) {
        return GlobalStaleState.verdict(GlobalStaleState.parse(lines), TRIALS);
    }

    @Test
    void everyCallBeforeNoneAfterExitAndAllInTheControlIsEvidence() {
        Probe.Verdict v = verdict(output(repeat(new Counts(200, 0, 200, 200))));
        assertEquals(Kind.EVIDENCE, v.kind(), v.reason());
        assertTrue(v.reason().contains("missed cpu1 in 20 of 20 trials (at most 0 IPIs for 200 calls)"), v.reason());
    }

    @Test
    void otherIpisOnlyAddAndAFewAfterExitAreStillAMiss() {
        List<Counts> t = new ArrayList<>(repeat(new Counts(203, 2, 201, 205)));
        t.set(4, new Counts(200, 99, 200, 200));   // fewer than calls/2: clearly missed
        Probe.Verdict v = verdict(output(t));
        assertEquals(Kind.EVIDENCE, v.kind(), v.reason());
        assertTrue(v.reason().contains("at most 99 IPIs"), v.reason());
    }

    @Test
    void aKernelThatKeepsTheStateIsNoEvidence() {
        Probe.Verdict v = verdict(output(repeat(new Counts(200, 201, 200, 200))));
        assertEquals(Kind.NO_EVIDENCE, v.kind(), v.reason());
        assertTrue(v.reason().contains("every burst still reached cpu1 (20 of 20 trials)"), v.reason());
    }

    @Test
    void aControlThatLosesIpisTooIsInconclusive() {
        List<Counts> t = new ArrayList<>(repeat(new Counts(200, 0, 200, 200)));
        t.set(7, new Counts(200, 0, 200, 0));
        Probe.Verdict v = verdict(output(t));
        assertEquals(Kind.INCONCLUSIVE, v.kind(), v.reason());
        assertTrue(v.reason().startsWith("control dirty: after T1 blocked, trial 8 counted 0 IPIs on cpu1"), v.reason());
    }

    @Test
    void aBurstBeforeT1ThatMissesIsADirtyControlInEitherMode() {
        List<Counts> t = new ArrayList<>(repeat(new Counts(200, 0, 200, 200)));
        t.set(2, new Counts(199, 0, 200, 200));
        assertEquals(Kind.INCONCLUSIVE, verdict(output(t)).kind());
        t.set(2, new Counts(200, 0, 150, 200));
        Probe.Verdict v = verdict(output(t));
        assertEquals(Kind.INCONCLUSIVE, v.kind());
        assertTrue(v.reason().contains("before T1, trial 3 (sleep) counted 150"), v.reason());
    }

    @Test
    void mixedTrialsAreInconclusive() {
        List<Counts> t = new ArrayList<>(repeat(new Counts(200, 200, 200, 200)));
        for (int i = 0; i < 5; i++) t.set(i, new Counts(200, 0, 200, 200));
        Probe.Verdict v = verdict(output(t));
        assertEquals(Kind.INCONCLUSIVE, v.kind(), v.reason());
        assertTrue(v.reason().contains("reached cpu1 in 15 of 20 trials and clearly missed it in 5"), v.reason());
        // a burst that is neither a miss nor complete (150 of 200) in every trial: neither verdict
        assertEquals(Kind.INCONCLUSIVE, verdict(output(repeat(new Counts(200, 150, 200, 200)))).kind());
    }

    @Test
    void aTrialThatCouldNotBeSetUpOrAShortRunIsInconclusive() {
        List<String> l = new ArrayList<>(output(repeat(new Counts(200, 0, 200, 200))));
        l.add(l.size() - 1, "trial-error trial=21 mode=exit reason=T1 did not exit");
        Probe.Verdict v = verdict(l);
        assertEquals(Kind.INCONCLUSIVE, v.kind());
        assertTrue(v.reason().contains("1 trial(s) could not be set up (first: trial=21 mode=exit reason=T1 did not exit)"), v.reason());
        v = GlobalStaleState.verdict(GlobalStaleState.parse(output(repeat(new Counts(200, 0, 200, 200)).subList(0, 5))), TRIALS);
        assertEquals(Kind.INCONCLUSIVE, v.kind());
        assertTrue(v.reason().contains("stopped after 5 of 20 trials"), v.reason());
    }

    @Test
    void aBurstDuringWhichT2DidNotRunProvesNothing() {
        List<String> l = new ArrayList<>(output(repeat(new Counts(200, 0, 200, 200))));
        int i = l.indexOf("burst trial=3 mode=exit phase=after spins=123456 ns=2000000");
        l.set(i, "burst trial=3 mode=exit phase=after spins=0 ns=2000000");
        Probe.Verdict v = verdict(l);
        assertEquals(Kind.INCONCLUSIVE, v.kind());
        assertTrue(v.reason().contains("T2 did not run during the after burst of trial 3 (exit)"), v.reason());
    }

    @Test
    void analyzePrintsARowPerTrial() {
        StringWriter s = new StringWriter();
        Probe.Verdict v = new GlobalStaleState().analyze(output(repeat(new Counts(200, 0, 200, 201))),
                new Probe.Settings(TRIALS, CALLS), new PrintWriter(s, true));
        assertEquals(Kind.EVIDENCE, v.kind());
        assertTrue(s.toString().contains("kernel:  Linux 6.18.44-test"), s.toString());
        assertTrue(s.toString().contains("     20 |               200       0 |               200     201"), s.toString());
    }

    /** The program's output on a Linux 6.18 x86 guest (2 CPUs), the lines --raw shows, as the program printed them. */
    @Test
    void aRecordedRunOnLinux618IsEvidence() throws Exception {
        List<String> lines;
        try (var in = getClass().getResourceAsStream("global-stale-state.linux-6.18.out")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        GlobalStaleState.Run r = GlobalStaleState.parse(lines);
        assertTrue(r.uname().startsWith("Linux 6.18."), r.uname());
        assertTrue(r.done());
        assertEquals(TRIALS, r.exit().size());
        assertEquals(TRIALS, r.sleep().size());
        for (var t : r.exit()) assertEquals(CALLS, t.before().ipis(), "trial " + t.n());
        Probe.Verdict v = GlobalStaleState.verdict(r, TRIALS);
        assertEquals(Kind.EVIDENCE, v.kind(), v.reason());
        assertTrue(v.reason().contains("missed cpu1 in 20 of 20 trials"), v.reason());
        // the calls that skipped cpu1 did not wait for an IPI: several times faster than the control's
        assertTrue(GlobalStaleState.medianMicrosPerCall(r.exit(), false, CALLS) * 3
                < GlobalStaleState.medianMicrosPerCall(r.sleep(), false, CALLS), "per-call times");
    }

    @Test
    void anOutputLineThisSideDoesNotKnowIsAnError() {
        List<String> l = new ArrayList<>(output(repeat(new Counts(200, 0, 200, 200))));
        l.add(3, "bogus line");
        var e = assertThrows(IllegalArgumentException.class, () -> GlobalStaleState.parse(l));
        assertTrue(e.getMessage().contains("unknown line: bogus line"), e.getMessage());
    }
}
