package lazymm.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lazymm.engine.io.Reproducer;
import lazymm.engine.strategy.LenientReplay;
import lazymm.engine.strategy.LenientReplay.Choice;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;

/**
 * Shrinks a reproducer while it keeps its violation signature, to a 1-minimal one: no single
 * operation, context switch, preemption, store-buffer drain, interrupt delivery or alternative
 * can be removed from it and still give the signature with a smaller reproducer.
 *
 * <p>Candidates run under {@link LenientReplay}: the recorded labels are followed where they fit
 * and the default (the running CPU goes on, nothing else happens) fills in elsewhere. An
 * accepted candidate is replaced by the exact schedule its run took, so the result replays
 * strictly. Its size is compared as (program tokens, deviations from the default, choices),
 * lexicographically; a candidate is accepted only when it keeps the signature and is smaller, so
 * the search ends.
 *
 * <p>The passes, repeated until none accepts anything: drop a whole task (a program row), drop
 * one operation (a token); remove a context switch (delete the run it starts, or move that run
 * to the next or the previous run of the same CPU, which merges them) or a preemption; remove a
 * drain, an interrupt delivery or an alternative inside an access (that point then takes the
 * default).
 */
public final class ReproducerMinimizer {

    /**
     * The size of a reproducer as minimization counts it.
     *
     * @param tasks       program rows
     * @param ops         program tokens
     * @param choices     recorded choices (the schedule's length)
     * @param deviations  choices that are not the default
     * @param switches    context switches among them
     * @param preemptions preemptions
     * @param drains      store-buffer drains
     * @param irqs        interrupt deliveries
     * @param values      alternatives other than r0 inside accesses
     * @param steps       steps of the execution
     */
    public record Size(int tasks, int ops, int choices, int deviations, int switches, int preemptions,
                       int drains, int irqs, int values, long steps) {

        /** Lexicographic (ops, deviations, choices). */
        public boolean smallerThan(Size o) {
            if (ops != o.ops) return ops < o.ops;
            if (deviations != o.deviations) return deviations < o.deviations;
            return choices < o.choices;
        }

        @Override
        public String toString() {
            return tasks + " tasks, " + ops + " ops, " + choices + " choices (" + switches + " switches, "
                    + preemptions + " preemptions, " + drains + " drains, " + irqs + " interrupts, "
                    + values + " alternatives), " + steps + " steps";
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tasks", (long) tasks);
            m.put("ops", (long) ops);
            m.put("choices", (long) choices);
            m.put("switches", (long) switches);
            m.put("preemptions", (long) preemptions);
            m.put("drains", (long) drains);
            m.put("interrupts", (long) irqs);
            m.put("alternatives", (long) values);
            m.put("steps", steps);
            return m;
        }
    }

    /** One run of a candidate that kept the signature. */
    public record Run(Program program, List<String> schedule, List<Choice> choices, Result result, Size size) {}

    /** What minimization did. */
    /**
     * What minimization did.
     *
     * @param oneMinimal false when the time limit stopped it: smaller, but maybe not 1-minimal
     */
    public record Outcome(Reproducer minimized, Size before, Size after, int candidates, double seconds,
                          boolean oneMinimal) {}

    private final Reproducer orig;
    private final Target target;
    private final long stepBound;
    private int candidates;
    private long deadline;
    private boolean timedOut;

    private ReproducerMinimizer(Reproducer r, long stepBound) {
        this.orig = r;
        this.target = Replayer.targetFor(r);
        this.stepBound = stepBound;
    }

    /**
     * Minimizes {@code r}.
     *
     * @throws BadInput when {@code r} does not fit this model or does not replay to its signature
     */
    public static Outcome minimize(Reproducer r) { return minimize(r, 0); }

    /**
     * Minimizes {@code r} for at most {@code seconds} (0: no limit); when the limit stops it, the
     * smallest reproducer found so far, not known to be 1-minimal.
     *
     * @throws BadInput when {@code r} does not fit this model or does not replay to its signature
     */
    public static Outcome minimize(Reproducer r, double seconds) {
        long t0 = System.nanoTime();
        Result strict = Replayer.replay(r, false);
        if (strict.violation() == null || !strict.violation().signature().equals(r.signature())) {
            throw new BadInput("the reproducer does not replay to its signature " + r.signature()
                    + " (it ends " + (strict.violation() == null ? "clean" : "in " + strict.violation().signature())
                    + "): nothing to minimize");
        }
        ReproducerMinimizer m = new ReproducerMinimizer(r, bound(r, strict));
        if (seconds > 0) m.deadline = Explorer.deadline(t0, seconds);
        Run cur = m.attempt(r.program(), r.schedule());
        if (cur == null) throw new IllegalStateException("the lenient replay of an exact schedule lost its signature");
        Size before = cur.size;
        boolean changed = true;
        while (changed && !m.outOfTime()) {
            changed = false;
            Run next;
            while ((next = m.firstSmaller(cur, m.programCandidates(cur))) != null) { cur = next; changed = true; }
            while ((next = m.firstSmaller(cur, m.switchCandidates(cur))) != null) { cur = next; changed = true; }
            while ((next = m.firstSmaller(cur, m.otherCandidates(cur))) != null) { cur = next; changed = true; }
        }
        Map<String, Object> foundBy = new LinkedHashMap<>(r.foundBy());
        Map<String, Object> min = new LinkedHashMap<>();
        min.put("before", before.toJson());
        min.put("after", cur.size.toJson());
        min.put("candidates", (long) m.candidates);
        foundBy.put("minimized", min);
        Reproducer out = new Reproducer(r.target(), r.modelVersion(), r.config(), cur.program, cur.schedule,
                r.maxSteps(), r.kind(), r.signature(), cur.result.violation().getMessage(), foundBy)
                .withFindings(cur.result.findings(), r.stopOnWarn());
        // the result must replay strictly, step for step
        Result check = Replayer.replay(out, false);
        if (check.violation() == null || !check.violation().signature().equals(r.signature())) {
            throw new IllegalStateException("the minimized schedule does not replay strictly");
        }
        return new Outcome(out, before, cur.size, m.candidates, (System.nanoTime() - t0) / 1e9, !m.timedOut);
    }

    /** A candidate: a program and a schedule to follow leniently. */
    public record Candidate(String what, Program program, List<String> schedule) {}

    private boolean outOfTime() {
        if (deadline != 0 && System.nanoTime() > deadline) timedOut = true;
        return timedOut;
    }

    private Run firstSmaller(Run cur, List<Candidate> cands) {
        for (Candidate c : cands) {
            if (outOfTime()) return null;
            Run r = attempt(c.program(), c.schedule());
            if (r != null && r.size.smallerThan(cur.size)) return r;
        }
        return null;
    }

    /**
     * Runs a candidate; the run when it ends in the signature, else null.
     */
    public Run attempt(Program p, List<String> schedule) {
        if (target.validate(orig.config(), p) != null) return null;
        candidates++;
        LenientReplay s = new LenientReplay(schedule);
        s.startExecution();
        Execution e = new Execution(target, orig.config(), p, s, stepBound, true, false);
        if (orig.stopOnWarn()) e.stopOn(java.util.Set.of("Warn"));
        s.labels(e::label);
        Result res = e.run();
        if (res.violation() == null || !res.violation().signature().equals(orig.signature())) return null;
        List<Choice> ch = List.copyOf(s.taken());
        return new Run(p, res.schedule(), ch, res, size(p, ch, res.steps()));
    }

    static Size size(Program p, List<Choice> ch, long steps) {
        int ops = 0;
        for (List<String> row : p.perCpu()) ops += row.size();
        int dev = 0, sw = 0, pre = 0, dr = 0, irq = 0, val = 0;
        for (Choice c : ch) {
            if (!c.deviates()) continue;
            dev++;
            switch (c.kind()) {
                case PREEMPT -> pre++;
                case VALUE -> val++;
                case PICK -> {
                    char k = c.label().charAt(0);
                    if (k == 'c') sw++;
                    else if (k == 'i') irq++;
                    else dr++;
                }
            }
        }
        return new Size(p.cpus(), ops, ch.size(), dev, sw, pre, dr, irq, val, steps);
    }

    /** Every single-task and single-operation removal, last first. */
    public List<Candidate> programCandidates(Run cur) {
        List<Candidate> out = new ArrayList<>();
        List<List<String>> rows = cur.program.perCpu();
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.size() > 1) {
                List<List<String>> nr = new ArrayList<>(rows);
                nr.remove(i);
                out.add(new Candidate("drop task " + i, Program.of(nr), cur.schedule));
            }
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
            for (int j = rows.get(i).size() - 1; j >= 0; j--) {
                if (rows.get(i).size() == 1) continue;
                List<List<String>> nr = new ArrayList<>(rows);
                List<String> row = new ArrayList<>(rows.get(i));
                row.remove(j);
                nr.set(i, row);
                out.add(new Candidate("drop op " + i + "." + j, Program.of(nr), cur.schedule));
            }
        }
        return out;
    }

    /**
     * Every single context-switch and preemption removal, last first: a switch starts a run of
     * a CPU that lasts until the next switch; the run is deleted, or moved to the next or the
     * previous run of the same CPU.
     */
    public List<Candidate> switchCandidates(Run cur) {
        List<Candidate> out = new ArrayList<>();
        List<String> s = cur.schedule;
        List<Choice> ch = cur.choices;
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < ch.size(); i++) {
            if (ch.get(i).isSwitch()) starts.add(i);
        }
        for (int k = starts.size() - 1; k >= 0; k--) {
            int a = starts.get(k);
            int b = k + 1 < starts.size() ? starts.get(k + 1) : s.size();
            String cpu = s.get(a);
            out.add(new Candidate("delete switch at " + a, cur.program, splice(s, a, b)));
            for (int m = k + 1; m < starts.size(); m++) {
                int c = starts.get(m);
                if (s.get(c).equals(cpu)) {
                    out.add(new Candidate("merge switch at " + a + " into " + c, cur.program, move(s, a, b, c)));
                    break;
                }
            }
            for (int m = k - 1; m >= 0; m--) {
                int c = starts.get(m);
                if (s.get(c).equals(cpu)) {  // to the end of that earlier run
                    out.add(new Candidate("merge switch at " + a + " into " + c, cur.program, move(s, a, b, starts.get(m + 1))));
                    break;
                }
            }
        }
        for (int i = ch.size() - 1; i >= 0; i--) {
            if (ch.get(i).deviates() && ch.get(i).kind() == LenientReplay.Kind.PREEMPT) {
                out.add(new Candidate("delete preemption at " + i, cur.program, splice(s, i, i + 1)));
            }
        }
        return out;
    }

    /** Every single drain, interrupt delivery and alternative removal, last first. */
    public List<Candidate> otherCandidates(Run cur) {
        List<Candidate> out = new ArrayList<>();
        List<Choice> ch = cur.choices;
        for (int i = ch.size() - 1; i >= 0; i--) {
            Choice c = ch.get(i);
            if (c.deviates() && !c.isSwitch() && c.kind() != LenientReplay.Kind.PREEMPT) {
                out.add(new Candidate("delete " + c.label() + " at " + i, cur.program, splice(cur.schedule, i, i + 1)));
            }
        }
        return out;
    }

    /** Every candidate the 1-minimality of {@code cur} is about. */
    public List<Candidate> neighbours(Run cur) {
        List<Candidate> all = new ArrayList<>(programCandidates(cur));
        all.addAll(switchCandidates(cur));
        all.addAll(otherCandidates(cur));
        return all;
    }

    /** For tests: a minimizer of {@code r} whose candidates run with the same bound minimize uses. */
    public static ReproducerMinimizer of(Reproducer r) {
        Result strict = Replayer.replay(r, false);
        return new ReproducerMinimizer(r, bound(r, strict));
    }

    /** The step bound of candidates: those that wander off are cut long before the reproducer's own. */
    private static long bound(Reproducer r, Result strict) {
        return Math.min(r.maxSteps(), Math.max(4 * strict.steps(), 50_000));
    }

    /** {@code s} with the block {@code [a, b)} moved to just before index {@code to} (outside it). */
    private static List<String> move(List<String> s, int a, int b, int to) {
        List<String> block = s.subList(a, b);
        List<String> n = splice(s, a, b);
        n.addAll(to <= a ? to : to - (b - a), block);
        return n;
    }

    private static List<String> splice(List<String> s, int a, int b) {
        List<String> n = new ArrayList<>(s.subList(0, a));
        n.addAll(s.subList(b, s.size()));
        return n;
    }
}
