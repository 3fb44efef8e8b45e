package lazymm.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import lazymm.engine.trace.TraceEvent;
import lazymm.model.sim.Actions;
import lazymm.model.sim.Config;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;
import lazymm.model.sim.Violation;

/**
 * One execution of a model under the controlled scheduler.
 *
 * <p>One Java thread runs every model CPU; each CPU runs one {@link ModelThread} (a continuation) at
 * a time, and the model may switch a CPU to another thread (a context switch). A CPU runs until its
 * next yield point; there the scheduler collects the enabled actions (run a runnable CPU, or one
 * of the instance's own actions such as a store-buffer drain), asks the {@link Strategy} when
 * there is more than one, and either returns at once (the same CPU goes on: no switch at all),
 * performs the instance action and asks again, or suspends this CPU so that the loop in
 * {@link #run()} resumes the chosen one. Every choice with two or more options is recorded, so
 * that the same recorded list gives the same execution, bit for bit.
 *
 * <p>Verdicts that are not the model's own: a Deadlock when no action is enabled but some CPU
 * has not finished (every one is spinning in {@link #await}), and a Livelock when the step bound
 * is reached.
 *
 * <p>Findings that do not end the execution ({@link #report}: a WARN, a freed object still
 * named) are kept in order and the execution goes on, to show what follows; {@link #stopOn}
 * makes findings of some kinds end it instead. The result carries every finding; its verdict is
 * the violation that ended the execution, or, when it ran to its end, {@link #verdict}.
 */
public final class Execution implements Machine {

    /** The scope of every CPU continuation; the yield hook looks for it. */
    public static final ContinuationScope SCOPE = new ContinuationScope("lazymm-cpu");

    /** The default bound on steps (yield points plus instance actions) in one execution. */
    public static final long DEFAULT_STEP_BOUND = 200_000;

    private final Instance inst;
    private final Strategy strategy;
    private final long stepBound;
    private final boolean checkSteps;
    /** The thread each CPU runs now. */
    private final ModelThread[] running;
    /** A CPU halts when the thread it runs returns from its body. */
    private final boolean[] halted;
    /** Set when the scheduler resumed a CPU to take its interrupt. */
    private final boolean[] irqFor;
    private int threads;
    /** The site of each CPU's current shared access. */
    private final String[] sites;
    private final int nrCpus;

    private int[] opts = new int[16];
    private int[] choices = new int[64];
    private int nChoices;
    private long steps;
    /** The CPU that the loop in run() resumes next. */
    private int next = -1;
    /** The CPU whose code is running now (smp_processor_id()). */
    private int current;
    private boolean inHook;
    /** True while every CPU runs up to its first yield point, before any choice. */
    private boolean starting;
    private long switches;
    private boolean aborting;
    private long traceHash = 1125899906842597L;
    private final List<String> trace;
    /** The structured trace (kept with the lines), the last access event of each CPU, the drain being performed. */
    private final List<TraceEvent> events;
    private final TraceEvent[] lastAccess;
    private TraceEvent performing;
    private final boolean[] ipiSeen;
    /** The findings so far, in order; the kinds that end the execution when reported. */
    private final List<Violation> findings = new ArrayList<>();
    private java.util.Set<String> stopOn = java.util.Set.of();

    /**
     * @param target     the model
     * @param cfg        its configuration
     * @param program    what each CPU does
     * @param strategy   who chooses
     * @param stepBound  the Livelock bound
     * @param checkSteps run the instance's step invariants after every step
     * @param keepTrace  keep one line per step (for replay); the trace hash is always kept
     */
    public Execution(Target target, Config cfg, Program program, Strategy strategy,
                     long stepBound, boolean checkSteps, boolean keepTrace) {
        this.strategy = strategy;
        this.stepBound = stepBound;
        this.checkSteps = checkSteps;
        this.trace = keepTrace ? new ArrayList<>() : null;
        this.events = keepTrace ? new ArrayList<>() : null;
        this.lastAccess = keepTrace ? new TraceEvent[64] : null;
        this.ipiSeen = keepTrace ? new boolean[64] : null;
        this.nrCpus = cfg.cpus();
        this.sites = new String[64];
        Arrays.fill(sites, "");
        this.inst = target.create(this, cfg, program);
        this.running = new ModelThread[inst.cpus()];
        this.halted = new boolean[inst.cpus()];
        this.irqFor = new boolean[inst.cpus()];
        for (int i = 0; i < running.length; i++) {
            final int cpu = i;
            ModelThread t = new ModelThread(this, "cpu" + i, () -> inst.cpu(cpu));
            t.cpu = i;
            running[i] = t;
        }
    }

    /**
     * Findings of these kinds end the execution when reported ({@code --stop-on-warn}: Warn),
     * as the kernel with panic_on_warn would; by default every finding lets it go on.
     */
    public Execution stopOn(java.util.Set<String> kinds) {
        this.stopOn = java.util.Set.copyOf(kinds);
        return this;
    }

    // ---- Machine ----

    @Override
    public void report(Violation v) {
        if (stopOn.contains(v.kind())) throw v;
        findings.add(v);
        traceHash = traceHash * 1_000_003L + v.signature().hashCode();
        if (trace == null) return;
        boolean hook = inHook;
        inHook = true;
        try {
            String msg = v.getMessage() == null ? "" : v.getMessage();
            int nl = msg.indexOf('\n');
            trace.add(steps + " cpu" + current + "   finding " + v.signature());
            event(current, TraceEvent.Kind.FINDING, sites[current], v.signature() + ": " + (nl < 0 ? msg : msg.substring(0, nl)));
        } finally {
            inHook = hook;
        }
    }

    @Override public int smpProcessorId() { return current; }

    @Override public int nrCpus() { return nrCpus; }

    @Override public boolean tracing() { return trace != null; }

    @Override public boolean observesConflicts() { return strategy.observesConflicts(); }

    @Override
    public void conflict(String earlierSite, boolean earlierWrite, String site, boolean write) {
        strategy.conflict(earlierSite, earlierWrite, site, write);
    }

    @Override
    public void traced(String loc, java.util.function.Supplier<String> value) {
        if (trace == null) return;
        TraceEvent e = performing != null ? performing : lastAccess[current];
        if (e == null) return;
        boolean hook = inHook;
        inHook = true;  // naming a model object is no shared access
        try {
            e.values.add(new String[] {loc, value.get()});
        } finally {
            inHook = hook;
        }
    }

    @Override
    public void note(java.util.function.Supplier<String> text) {
        if (trace == null) return;
        boolean hook = inHook;
        inHook = true;  // naming a model object is no shared access
        try {
            event(current, TraceEvent.Kind.NOTE, sites[current], text.get());
        } finally {
            inHook = hook;
        }
    }

    private void event(int cpu, TraceEvent.Kind kind, String site, String detail) {
        TraceEvent e = new TraceEvent(steps, cpu, kind, cpu >= 0 && cpu < running.length && running[cpu] != null
                ? running[cpu].name : "", site, detail);
        events.add(e);
        if (kind == TraceEvent.Kind.ACCESS) lastAccess[cpu] = e;
        if (kind == TraceEvent.Kind.DRAIN || kind == TraceEvent.Kind.ACTION) performing = e;
    }

    @Override
    public int choose(int n) {
        if (n <= 1) return 0;
        if (starting || aborting) return 0;
        if (opts.length < n) opts = Arrays.copyOf(opts, n);
        for (int k = 0; k < n; k++) opts[k] = Actions.FIRST_VALUE + k;
        int idx = strategy.choose(opts, n, current, steps);
        record(opts[idx]);
        traceHash = traceHash * 1_000_003L + 7919L * (idx + 1);
        if (trace != null) {
            trace.add(steps + " cpu" + current + "   chooses r" + idx + " of " + n + " at " + sites[current]);
            if (idx != 0) event(current, TraceEvent.Kind.CHOICE, sites[current], "r" + idx + " of " + n);
        }
        return idx;
    }

    @Override
    public boolean preempt() {
        if (starting || aborting) return false;
        opts[0] = Actions.FIRST_VALUE;
        opts[1] = Actions.PREEMPT;
        int idx = strategy.choose(opts, 2, current, steps);
        record(opts[idx]);
        traceHash = traceHash * 1_000_003L + 15_485_863L * (idx + 1);
        if (trace != null && idx == 1) {
            String at = preemptionPoint();
            trace.add(steps + " cpu" + current + "   preempted at " + at);
            event(current, TraceEvent.Kind.PREEMPT, at, "");
        }
        return idx == 1;
    }

    /**
     * Where the running CPU is preempted, as a site ("Class.method:line preempt"): the caller of
     * the model method that called {@link #preempt} (see {@link Machine#preempt}), not the CPU's
     * last shared access. Replay traces only: it walks the stack.
     */
    private String preemptionPoint() {
        StackWalker.StackFrame f = StackWalker.getInstance().walk(s -> s
                .dropWhile(e -> e.getClassName().startsWith("lazymm.engine."))  // this machine
                .skip(1)  // the model's preemption primitive, which called preempt()
                .findFirst().orElse(null));
        if (f == null) return sites[current];
        String cls = f.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName() + ":" + f.getLineNumber() + " preempt";
    }

    /** Records a choice made among two or more options: the schedule a reproducer keeps. */
    private void record(int action) {
        if (nChoices == choices.length) choices = Arrays.copyOf(choices, nChoices * 2);
        choices[nChoices++] = action;
    }

    @Override
    public String site() { return sites[current]; }

    @Override
    public void await(BooleanSupplier cond, String what) {
        if (cond.getAsBoolean()) return;
        ModelThread self = runningThread("await(" + what + ")");
        self.blockedOn = cond;
        self.blockedWhat = what;
        try {
            while (!cond.getAsBoolean()) {
                if (starting) {
                    suspend(false);
                    continue;
                }
                int a = pick(self.cpu);
                if (a == self.cpu) continue;
                if (a == Actions.FIRST_IRQ + self.cpu) {
                    takeInterrupts(self.cpu, false);
                    continue;
                }
                resumeCpu(a, false);
                if (irqFor[self.cpu]) {
                    irqFor[self.cpu] = false;
                    // chosen while pending; not taken if this CPU's interrupts went off meanwhile
                    if (inst.interruptPending(self.cpu)) takeInterrupts(self.cpu, false);
                }
            }
        } finally {
            self.blockedOn = null;
            self.blockedWhat = null;
        }
    }

    private ModelThread runningThread(String what) {
        Continuation c = Continuation.getCurrentContinuation(SCOPE);
        if (!(c instanceof ModelThread t) || t.execution() != this) {
            throw new IllegalStateException(what + " called outside a thread of this execution");
        }
        return t;
    }

    @Override
    public Object newThread(String name, Runnable body) {
        threads++;
        return new ModelThread(this, name, body);
    }

    /**
     * Context switch on the current CPU: it stops running the calling thread and runs
     * {@code thread} (from its start, or from where it last switched away). Returns when some
     * CPU switches back to the caller, which may be another CPU.
     */
    @Override
    public void switchTo(Object thread) {
        ModelThread self = runningThread("switchTo");
        ModelThread n = (ModelThread) thread;
        if (n == self) return;
        if (n.cpu >= 0 || n.isDone()) {
            throw new IllegalStateException("switchTo(" + n + "): it is " + (n.isDone() ? "finished" : "running on cpu" + n.cpu));
        }
        int c = self.cpu;
        self.cpu = -1;
        n.cpu = c;
        running[c] = n;
        if (trace != null) {
            trace.add(steps + " cpu" + c + "   switch " + self.name + " -> " + n.name);
            event(c, TraceEvent.Kind.SWITCH, sites[c], self.name + " -> " + n.name);
        }
        next = c;
        boolean hook = inHook;
        inHook = false;
        switches++;
        Continuation.yield(SCOPE);  // the loop in run() resumes cpu c, which now runs n
        inHook = hook;
    }

    // ---- the yield point ----

    /**
     * Called by the hook before a shared access of {@code self}. Returns when {@code self} may
     * perform the access: at once, or after other CPUs ran. The step is counted and traced when
     * it returns, so the trace lists accesses in the order they happened.
     */
    public void yieldPoint(ModelThread self, String site) {
        if (inHook || aborting) return;
        inHook = true;
        try {
            if (starting) {
                suspend(true);
            } else {
                strategy.observe(self.cpu, site);
                while (true) {
                    if (checkSteps) inst.checkStep();
                    int a = pick(self.cpu);
                    if (a == self.cpu) break;
                    if (a == Actions.FIRST_IRQ + self.cpu) {
                        takeInterrupts(self.cpu, true);
                        continue;
                    }
                    resumeCpu(a, true);
                    if (!irqFor[self.cpu]) break;
                    irqFor[self.cpu] = false;
                    if (!inst.interruptPending(self.cpu)) break;  // interrupts went off meanwhile: it runs on
                    takeInterrupts(self.cpu, true);
                }
            }
            sites[self.cpu] = site;
            step(self.cpu, site);
        } finally {
            inHook = false;
        }
    }

    /**
     * Suspends the running thread; the loop in run() resumes the CPU of {@code action} (and sets
     * current), which first takes its interrupt if the action says so.
     */
    private void resumeCpu(int action, boolean hook) {
        int cpu = Actions.cpuOf(action);
        if (Actions.isIrq(action)) irqFor[cpu] = true;
        next = cpu;
        suspend(hook);
    }

    /** Runs the interrupt handlers of {@code cpu}, on its current thread, here. */
    private void takeInterrupts(int cpu, boolean hook) {
        // an interrupt taken answers every request for one: a request left over from a pick
        // before this CPU took it by its own pick must not fire again inside the handler, where
        // interrupts are off (it once made a nested entry there)
        irqFor[cpu] = false;
        steps++;
        if (trace != null) {
            trace.add(steps + " cpu" + cpu + "   takes an interrupt");
            event(cpu, TraceEvent.Kind.IRQ, sites[cpu], inst.interruptName(cpu));
            ipiSeen[cpu] = false;
        }
        traceHash = traceHash * 1_000_003L + 104_729L * (cpu + 1);
        // a CPU spinning in await runs its handler: it is not blocked while the handler runs
        ModelThread t = running[cpu];
        BooleanSupplier blocked = t.blockedOn;
        String what = t.blockedWhat;
        t.blockedOn = null;
        t.blockedWhat = null;
        inHook = false;
        try {
            inst.handleInterrupts(cpu);
        } finally {
            inHook = hook;
            t.blockedOn = blocked;
            t.blockedWhat = what;
        }
    }

    private void suspend(boolean hook) {
        inHook = false;
        switches++;
        Continuation.yield(SCOPE);
        inHook = hook;
    }

    private void step(int cpu, String site) {
        steps++;
        traceHash = traceHash * 1_000_003L + cpu * 31L + site.hashCode();
        if (trace != null) {
            trace.add(steps + " cpu" + cpu + " " + site);
            ipisSent();
            event(cpu, TraceEvent.Kind.ACCESS, site, "");
        }
        if (steps > stepBound) {
            aborting = true;
            throw new Violation("Livelock", "step-bound",
                    "no end after " + stepBound + " steps (cpu" + cpu + " at " + site
                            + "); raise --max-steps if the program is just long");
        }
    }

    /**
     * Chooses what runs next, performing any instance actions chosen on the way.
     *
     * @param runningCpu the CPU that is at a yield point (or spinning in await), or -1
     * @return the run or interrupt action chosen, or -1 when every CPU has finished and no
     *         action is left
     */
    private int pick(int runningCpu) {
        while (true) {
            long h = inst.stateHash();
            if (h != 0) {
                for (int c = 0; c < running.length; c++) {
                    h = h * 31 + (halted[c] ? 1 : running[c].blockedOn != null ? 2 : 3);
                }
                if (!strategy.visit(h)) {
                    aborting = true;
                    throw new Pruned();
                }
            }
            int n = 0;
            for (int c = 0; c < running.length; c++) {
                if (!halted[c] && running[c].runnable() && !inst.cpuStopped(c)) {
                    n = add(n, c);
                }
            }
            for (int c = 0; c < running.length; c++) {
                if (!halted[c] && inst.interruptPending(c) && !inst.cpuStopped(c)) {
                    n = add(n, Actions.FIRST_IRQ + c);
                }
            }
            if (opts.length < n + 64) opts = Arrays.copyOf(opts, n + 128);
            n += inst.extraActions(opts, n);
            if (n == 0) {
                if (allFinished()) return -1;
                throw deadlock();
            }
            int action;
            if (n == 1) {
                action = opts[0];
            } else {
                int idx = strategy.choose(opts, n, runningCpu >= 0 && !halted[runningCpu] && running[runningCpu].runnable() && !inst.cpuStopped(runningCpu) ? runningCpu : -1, steps);
                action = opts[idx];
                record(action);
            }
            if (Actions.isRun(action) || Actions.isIrq(action)) {
                return action;
            }
            steps++;
            // the action's number, not its label: a label is a string built for the trace alone
            traceHash = traceHash * 1_000_003L + 2_147_483_659L * (action + 1);
            if (trace != null) {
                String label = inst.label(action);
                trace.add(steps + " " + label);
                ipisSent();
                event(drainCpu(label), label.startsWith("d") ? TraceEvent.Kind.DRAIN : TraceEvent.Kind.ACTION, label, label);
            }
            try {
                inst.perform(action);
            } finally {
                performing = null;
            }
        }
    }

    /**
     * Tracing: an event for every CPU whose interrupt became pending (an IPI was queued for it,
     * and its interrupts are on) since the last step; cleared when it takes it.
     */
    private void ipisSent() {
        for (int c = 0; c < running.length; c++) {
            if (!ipiSeen[c] && !halted[c] && inst.interruptPending(c)) {
                ipiSeen[c] = true;
                event(c, TraceEvent.Kind.IPI, sites[c], inst.interruptName(c));
            }
        }
    }

    /** The CPU a drain label names ({@code d2}), or -1. */
    private static int drainCpu(String label) {
        int i = 0;
        while (i < label.length() && !Character.isDigit(label.charAt(i))) i++;
        if (i == label.length()) return -1;
        try {
            return Integer.parseInt(label.substring(i));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private int add(int n, int code) {
        if (n == opts.length) opts = Arrays.copyOf(opts, n * 2);
        opts[n] = code;
        return n + 1;
    }

    private boolean allFinished() {
        for (boolean h : halted) {
            if (!h) return false;
        }
        return true;
    }

    private Violation deadlock() {
        aborting = true;
        StringBuilder sb = new StringBuilder();
        StringBuilder where = new StringBuilder();
        for (int c = 0; c < running.length; c++) {
            if (halted[c]) continue;
            ModelThread t = running[c];
            if (sb.length() > 0) sb.append(", ");
            sb.append("cpu").append(c).append(" waits for ").append(t.blockedWhat);
            if (where.length() > 0) where.append('+');
            where.append(t.blockedWhat);
        }
        return new Violation("Deadlock", where.toString(), "no CPU can run: " + sb);
    }

    /** The CPU of a run or interrupt action chosen from the loop (or -1 at the end). */
    private int startCpu(int action) {
        if (action < 0) return -1;
        int cpu = Actions.cpuOf(action);
        if (Actions.isIrq(action)) irqFor[cpu] = true;
        return cpu;
    }

    /** Ends an execution that reached a state explored before (state caching). */
    private static final class Pruned extends RuntimeException {
        Pruned() { super(null, null, false, false); }
    }

    // ---- the loop ----

    /**
     * Runs the execution to its end, or to the first violation.
     *
     * <p>First every CPU runs, without any choice, up to its first yield point: what a CPU does
     * before its first shared access touches nothing another CPU can see, so choosing there would
     * only repeat the same interleavings. From then on every choice lets exactly one CPU perform
     * its next shared access (or performs one instance action), so two different choice sequences
     * are two different interleavings.
     */
    public Result run() {
        Violation violation = null;
        boolean pruned = false;
        try {
            starting = true;
            for (int c = 0; c < running.length; c++) {
                current = c;
                ModelThread t;
                do {  // again if the thread switched the CPU to another before its first yield point
                    t = running[c];
                    t.run();
                } while (!t.isDone() && running[c] != t);
                if (t.isDone() && running[c] == t) halted[c] = true;
                next = -1;
            }
            starting = false;
            int cpu = startCpu(pick(-1));
            while (cpu >= 0) {
                ModelThread t = running[cpu];
                current = cpu;
                next = -1;
                t.run();
                if (t.isDone() && running[cpu] == t) {
                    halted[cpu] = true;
                    if (checkSteps) inst.checkStep();
                    cpu = startCpu(pick(-1));
                } else {
                    cpu = next;
                }
            }
            inst.checkFinal();
        } catch (Violation v) {
            violation = v;
            aborting = true;
        } catch (Pruned p) {
            pruned = true;
        }
        strategy.endExecution(steps);
        List<Violation> all = new ArrayList<>(findings);
        if (violation != null) all.add(violation);
        else if (!findings.isEmpty()) violation = verdict(findings);  // pruned or not: it happened
        return new Result(violation, all, pruned, steps, switches, Arrays.copyOf(choices, nChoices), traceHash,
                trace, events, this::label);
    }

    /**
     * The verdict of an execution that ran to its end with findings that did not end it: the
     * consequence over the symptom, so the first finding that is not a WARN (a freed object still
     * named: what the WARN led to), else the first WARN.
     */
    static Violation verdict(List<Violation> findings) {
        for (Violation f : findings) {
            if (!f.kind().equals("Warn")) return f;
        }
        return findings.get(0);
    }

    /** The label of an action code: {@code c1} runs CPU 1; others are the instance's. */
    public String label(int action) {
        if (action == Actions.PREEMPT) return "p";
        if (Actions.isValue(action)) return "r" + (action - Actions.FIRST_VALUE);
        if (Actions.isIrq(action)) return "i" + (action - Actions.FIRST_IRQ);
        return Actions.isRun(action) ? "c" + action : inst.label(action);
    }

    /** Threads made with newThread in this execution. */
    public int threadsCreated() { return threads; }

    public Instance instance() { return inst; }
}
