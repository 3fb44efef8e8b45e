package lazymm.probe;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lazymm.probe.Probe.Verdict.Kind;

/**
 * GLOBAL-STALE-STATE on the running kernel. exit_mm() clears rq->membarrier_state, and a switch
 * from the exiting thread straight to a sibling of the same mm does not set it again
 * (membarrier_switch_mm() returns when prev->active_mm == next->mm), so
 * MEMBARRIER_CMD_GLOBAL_EXPEDITED skips the CPU while a registered thread runs there.
 *
 * <p>The C program (global-stale-state.c) counts the function-call IPIs the target CPU receives
 * during a burst of calls, before and after a sibling thread leaves the CPU, in two modes: it
 * exits (the bug's path) or it blocks (the control). This class reads its lines, prints one row per
 * trial and decides: see {@link #verdict}.
 */
public final class GlobalStaleState implements Probe {

    public static final String ID = "GLOBAL-STALE-STATE";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String summary() {
        return "membarrier(GLOBAL_EXPEDITED) stops interrupting a CPU after a registered thread exited there "
                + "and the CPU switched straight to a sibling thread";
    }

    @Override
    public String source() {
        return "global-stale-state.c";
    }

    @Override
    public List<String> args(Settings s) {
        return List.of(String.valueOf(s.trials()), String.valueOf(s.calls()));
    }

    /** The IPIs the target CPU counted during one burst, and T2's progress meanwhile. */
    public record Burst(long ipis, long spins, long nanos) {}

    /** One trial of one mode ("exit" or "sleep"). */
    public record Trial(int n, String mode, Burst before, Burst after) {}

    /** What the program printed, parsed. */
    public record Run(String uname, int callerCpu, int targetCpu, int calls, List<Trial> exit, List<Trial> sleep,
                      List<String> errors, boolean done) {}

    /** Parses the program's lines; a line it does not understand is an error (the program and this class disagree). */
    public static Run parse(List<String> lines) {
        String uname = "";
        String header = null;
        Map<String, String> config = Map.of();
        Map<String, Map<String, String>> bursts = new LinkedHashMap<>();
        Map<String, String> irqStart = new LinkedHashMap<>();
        Map<String, String> irqEnd = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        boolean done = false;
        for (String line : lines) {
            String[] w = line.split(" ", 2);
            String rest = w.length > 1 ? w[1] : "";
            switch (w[0]) {
                case "uname" -> uname = rest;
                case "config" -> config = fields(rest, Integer.MAX_VALUE);
                case "irq-header" -> header = rest;
                case "burst" -> {
                    Map<String, String> f = fields(rest, Integer.MAX_VALUE);
                    bursts.put(key(f), f);
                }
                case "irq" -> {
                    String[] p = rest.split(" ", 5);
                    if (p.length < 5) throw new IllegalArgumentException("probe output: short irq line: " + line);
                    Map<String, String> f = fields(String.join(" ", p[0], p[1], p[2], p[3]), 4);
                    (switch (need(f, "edge", line)) {
                        case "start" -> irqStart;
                        case "end" -> irqEnd;
                        default -> throw new IllegalArgumentException("probe output: bad edge: " + line);
                    }).put(key(f), p[4]);
                }
                case "trial-error" -> errors.add(rest);
                case "done" -> done = true;
                case "" -> { }
                default -> throw new IllegalArgumentException("probe output: unknown line: " + line);
            }
        }
        int calls = Integer.parseInt(need(config, "calls", "config"));
        int target = Integer.parseInt(need(config, "target_cpu", "config"));
        int caller = Integer.parseInt(need(config, "caller_cpu", "config"));
        Map<Integer, Trial[]> trials = new TreeMap<>();
        for (var e : bursts.entrySet()) {
            if (header == null) throw new IllegalArgumentException("probe output: no irq-header line");
            Map<String, String> f = e.getValue();
            String start = irqStart.get(e.getKey());
            String end = irqEnd.get(e.getKey());
            if (start == null || end == null) throw new IllegalArgumentException("probe output: burst without its irq lines: " + e.getKey());
            long ipis = ipis(header, start, target, end);
            Burst b = new Burst(ipis, Long.parseLong(need(f, "spins", e.getKey())), Long.parseLong(need(f, "ns", e.getKey())));
            int n = Integer.parseInt(need(f, "trial", e.getKey()));
            String mode = need(f, "mode", e.getKey());
            boolean before = need(f, "phase", e.getKey()).equals("before");
            Trial[] pair = trials.computeIfAbsent(n, k -> new Trial[2]);
            int i = mode.equals("exit") ? 0 : 1;
            Trial t = pair[i] == null ? new Trial(n, mode, null, null) : pair[i];
            pair[i] = before ? new Trial(n, mode, b, t.after()) : new Trial(n, mode, t.before(), b);
        }
        List<Trial> exit = new ArrayList<>();
        List<Trial> sleep = new ArrayList<>();
        for (Trial[] pair : trials.values()) {
            if (pair[0] != null && pair[0].before() != null && pair[0].after() != null) exit.add(pair[0]);
            if (pair[1] != null && pair[1].before() != null && pair[1].after() != null) sleep.add(pair[1]);
        }
        return new Run(uname, caller, target, calls, exit, sleep, errors, done);
    }

    /** The growth of the function-call row on the target CPU between two copies of it. */
    static long ipis(String header, String startRow, int cpu, String endRow) {
        Interrupts a = Interrupts.parse(header + "\n" + startRow);
        Interrupts b = Interrupts.parse(header + "\n" + endRow);
        return b.count(b.functionCalls(), cpu) - a.count(a.functionCalls(), cpu);
    }

    private static Map<String, String> fields(String s, int max) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] tok = s.trim().split(" ");
        for (int i = 0; i < tok.length && i < max; i++) {
            int eq = tok[i].indexOf('=');
            if (eq <= 0) {
                // the rest is free text (trial-error's reason): keep it under the last key
                break;
            }
            m.put(tok[i].substring(0, eq), tok[i].substring(eq + 1));
        }
        return m;
    }

    private static String key(Map<String, String> f) {
        return "trial=" + f.get("trial") + " mode=" + f.get("mode") + " phase=" + f.get("phase");
    }

    private static String need(Map<String, String> f, String k, String where) {
        String v = f.get(k);
        if (v == null) throw new IllegalArgumentException("probe output: no " + k + "= in " + where);
        return v;
    }

    /** A burst reached the CPU when it counted at least one IPI per call (other IPIs only add). */
    static boolean reached(Burst b, int calls) {
        return b.ipis() >= calls;
    }

    /** A burst clearly missed the CPU when fewer than half the calls can have reached it. */
    static boolean missed(Burst b, int calls) {
        return b.ipis() * 2 < calls;
    }

    /**
     * The verdict rule. Inconclusive when a trial could not be set up, when the program stopped
     * early, when T2 did not run during a burst (then no registered thread ran there), or when the
     * control is dirty: a burst before T1 (either mode) or after T1 blocked that did not reach the
     * target CPU with every call. With a clean control: evidence when the burst after T1 exited
     * clearly missed the CPU (fewer than calls/2 IPIs) in more than half the trials; no evidence
     * when it reached the CPU with every call in every trial; inconclusive otherwise (mixed).
     */
    public static Verdict verdict(Run r, int trials) {
        int calls = r.calls();
        String cpu = "cpu" + r.targetCpu();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("calls", calls);
        d.put("target_cpu", r.targetCpu());
        d.put("trials", trialsJson(r));
        if (!r.errors().isEmpty()) {
            return new Verdict(Kind.INCONCLUSIVE, r.errors().size() + " trial(s) could not be set up (first: "
                    + r.errors().get(0) + ")", d);
        }
        if (r.exit().size() < trials || r.sleep().size() < trials) {
            return new Verdict(Kind.INCONCLUSIVE, "the program stopped after " + Math.min(r.exit().size(), r.sleep().size())
                    + " of " + trials + " trials", d);
        }
        for (Trial t : all(r)) {
            for (String phase : List.of("before", "after")) {
                Burst b = phase.equals("before") ? t.before() : t.after();
                if (b.spins() == 0) {
                    return new Verdict(Kind.INCONCLUSIVE, "T2 did not run during the " + phase + " burst of trial "
                            + t.n() + " (" + t.mode() + "): no registered thread ran on " + cpu, d);
                }
            }
        }
        for (Trial t : all(r)) {
            if (!reached(t.before(), calls)) {
                return new Verdict(Kind.INCONCLUSIVE, "control dirty: before T1, trial " + t.n() + " (" + t.mode() + ") counted "
                        + t.before().ipis() + " IPIs on " + cpu + " for " + calls + " calls", d);
            }
            if (t.mode().equals("sleep") && !reached(t.after(), calls)) {
                return new Verdict(Kind.INCONCLUSIVE, "control dirty: after T1 blocked, trial " + t.n() + " counted "
                        + t.after().ipis() + " IPIs on " + cpu + " for " + calls + " calls", d);
            }
        }
        int reached = 0;
        int missed = 0;
        long maxMissed = 0;
        for (Trial t : r.exit()) {
            if (reached(t.after(), calls)) reached++;
            if (missed(t.after(), calls)) {
                missed++;
                maxMissed = Math.max(maxMissed, t.after().ipis());
            }
        }
        int n = r.exit().size();
        d.put("exit_after_reached", reached);
        d.put("exit_after_missed", missed);
        String control = "before T1, and after T1 blocked (the control), every burst reached " + cpu + " with every call";
        if (missed * 2 > n) {
            return new Verdict(Kind.EVIDENCE, "after T1 exited, the calls missed " + cpu + " in " + missed + " of " + n
                    + " trials (at most " + maxMissed + " IPIs for " + calls + " calls) while T2 ran there; " + control, d);
        }
        if (reached == n) {
            return new Verdict(Kind.NO_EVIDENCE, "after T1 exited, every burst still reached " + cpu + " (" + n + " of " + n
                    + " trials); " + control, d);
        }
        return new Verdict(Kind.INCONCLUSIVE, "mixed: after T1 exited, the calls reached " + cpu + " in " + reached + " of " + n
                + " trials and clearly missed it in " + missed, d);
    }

    static double medianMicrosPerCall(List<Trial> trials, boolean before, int calls) {
        double[] v = trials.stream().mapToDouble(t -> (before ? t.before() : t.after()).nanos() / 1000.0 / calls).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static List<Trial> all(Run r) {
        List<Trial> all = new ArrayList<>(r.exit());
        all.addAll(r.sleep());
        return all;
    }

    private static List<Object> trialsJson(Run r) {
        List<Object> out = new ArrayList<>();
        for (Trial t : all(r)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trial", t.n());
            m.put("mode", t.mode());
            m.put("before_ipis", t.before().ipis());
            m.put("after_ipis", t.after().ipis());
            m.put("before_ns", t.before().nanos());
            m.put("after_ns", t.after().nanos());
            out.add(m);
        }
        return out;
    }

    @Override
    public Verdict analyze(List<String> lines, Settings s, PrintWriter out) {
        Run r = parse(lines);
        out.printf("kernel:  %s%n", r.uname());
        out.printf("setup:   process A registered GLOBAL_EXPEDITED, T2 spinning on cpu%d (SCHED_FIFO 10); "
                + "process B on cpu%d calls MEMBARRIER_CMD_GLOBAL_EXPEDITED %d times per burst%n",
                r.targetCpu(), r.callerCpu(), r.calls());
        out.printf("         T1 (SCHED_FIFO 20, cpu%d) preempts T2, then exits, or blocks in pause() (the control)%n",
                r.targetCpu());
        out.printf("counts:  function-call IPIs on cpu%d (/proc/interrupts, \"Function call interrupts\") per burst of %d calls%n",
                r.targetCpu(), r.calls());
        out.printf("  trial |  T1 exits: before   after | T1 sleeps: before   after%n");
        Map<Integer, Trial> sleep = new TreeMap<>();
        for (Trial t : r.sleep()) sleep.put(t.n(), t);
        for (Trial t : r.exit()) {
            Trial c = sleep.get(t.n());
            out.printf("  %5d |            %6d  %6d |            %6d  %6d%n", t.n(), t.before().ipis(), t.after().ipis(),
                    c == null ? -1 : c.before().ipis(), c == null ? -1 : c.after().ipis());
        }
        for (String e : r.errors()) out.printf("  trial error: %s%n", e);
        if (!r.exit().isEmpty() && !r.sleep().isEmpty()) {
            // not part of the verdict: a call that sends no IPI does not wait for one either
            out.printf(java.util.Locale.ROOT, "time per call (median): T1 exits: before %.1f us, after %.1f us; "
                    + "T1 sleeps: before %.1f us, after %.1f us%n",
                    medianMicrosPerCall(r.exit(), true, r.calls()), medianMicrosPerCall(r.exit(), false, r.calls()),
                    medianMicrosPerCall(r.sleep(), true, r.calls()), medianMicrosPerCall(r.sleep(), false, r.calls()));
        }
        out.flush();
        return verdict(r, s.trials());
    }
}
