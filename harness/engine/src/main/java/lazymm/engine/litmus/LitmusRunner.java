package lazymm.engine.litmus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import lazymm.engine.Execution;
import lazymm.engine.Result;
import lazymm.engine.strategy.Exhaustive;
import lazymm.model.litmus.Ast;
import lazymm.model.litmus.FinalStates;
import lazymm.model.litmus.LitmusTarget;
import lazymm.model.litmus.LitmusTest;
import lazymm.model.sim.Config;
import lazymm.model.sim.Program;

/**
 * Runs one litmus test under one memory mode to the end (or to a time limit) of an unbounded,
 * stateful exhaustive search ({@code new Exhaustive(Integer.MAX_VALUE, true)}: every interleaving and every choice
 * of which store a load reads, skipping states explored before), and judges the final states
 * as herd7 does: the states that fail the {@code filter} are dropped; the proposition P of the
 * final clause is evaluated on each state left; the observation is {@code Never} when no state
 * satisfies P, {@code Always} when all do, {@code Sometimes} otherwise; and the validation is
 * {@code Ok} when the clause holds ({@code exists}: some state satisfies P; {@code ~exists}:
 * none does; {@code forall}: all do), else {@code No}.
 *
 * <p>A count is the number of executions that were not pruned and ended in that state. With
 * state caching these are NOT herd7's counts of candidate executions (nor of interleavings): an
 * execution that reaches a state explored before is cut off and counted nowhere, so a count only
 * says the state was reached, by that many distinct explored paths. Positive and negative are
 * sums of these counts. Executions in which some process waits forever for a lock (a Deadlock)
 * have no final state and are left out, as herd7 has no candidate execution for them.
 */
public final class LitmusRunner {

    private LitmusRunner() {}

    /** A final state as herd7 prints it, how many executions ended in it, and whether P holds. */
    public record StateCount(String state, long count, boolean satisfies) {}

    /**
     * @param states     the final states kept by the filter, sorted by their text
     * @param verdict    Never, Sometimes or Always (herd7's Observation)
     * @param validation Ok or No
     * @param positive   executions whose state satisfies P
     * @param negative   executions whose state does not
     * @param executions executions run, pruned ones included
     * @param pruned     executions cut off at a state explored before
     * @param deadlocked executions that ended with every remaining process waiting for a lock
     * @param filtered   executions whose state the filter dropped
     */
    public record Outcome(LitmusTest test, String model, List<StateCount> states, String verdict, String validation,
                          long positive, long negative, long executions, long pruned, long deadlocked,
                          long filtered, double seconds, boolean complete) {

        /** True when the file says LKMM never allows the outcome but this mode produced it. */
        public boolean forbiddenReached() { return "Never".equals(test.result()) && !verdict.equals("Never"); }
    }

    /**
     * Runs {@code test} under memory mode {@code mode} (sc, tso or weak).
     *
     * @throws lazymm.model.litmus.LitmusError when a process goes wrong (a dereference of a value
     *     that is no address): the message has the file, line and column of the primitive
     */
    public static Outcome run(LitmusTest test, String mode) { return run(test, mode, 0, null); }

    /** What the search has done so far, for a progress line. */
    public record Progress(long executions, long pruned, int statesCached, double seconds) {}

    /** How often {@code progress} is told, in seconds. */
    public static final double PROGRESS_EVERY = 5;

    /**
     * As {@link #run(LitmusTest, String)}, stopping after {@code seconds} (0: no limit; the
     * outcome then says it is not {@code complete}: its states are those reached so far), and
     * telling {@code progress} (if not null) every {@link #PROGRESS_EVERY} seconds. The search's
     * memory is bounded: see {@link Exhaustive#MAX_STATES}.
     */
    public static Outcome run(LitmusTest test, String mode, double seconds,
                              java.util.function.Consumer<Progress> progress) {
        long start = System.nanoTime();
        long deadline = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
        long nextProgress = start + (long) (PROGRESS_EVERY * 1e9);
        boolean complete = true;
        FinalStates finals = new FinalStates();
        LitmusTarget target = new LitmusTarget(test, finals);
        Config cfg = target.config(mode);
        Program program = target.defaultProgram(cfg);
        Exhaustive search = new Exhaustive(Integer.MAX_VALUE, true);
        long executions = 0;
        long deadlocked = 0;
        while (search.startExecution()) {
            if ((executions & 63) == 0) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    complete = false;
                    break;
                }
                if (progress != null && now >= nextProgress) {
                    progress.accept(new Progress(executions, search.pruned(), search.statesCached(), (now - start) / 1e9));
                    nextProgress = now + (long) (PROGRESS_EVERY * 1e9);
                }
            }
            Result r = new Execution(target, cfg, program, search, Execution.DEFAULT_STEP_BOUND, false, false).run();
            executions++;
            if (r.failed()) {
                if (!r.violation().kind().equals("Deadlock")) {
                    throw new IllegalStateException(test.file() + ": " + mode + ": " + r.violation());
                }
                deadlocked++;
            }
        }
        return judge(test, mode, finals, executions, search.pruned(), deadlocked, (System.nanoTime() - start) / 1e9,
                complete);
    }

    private static Outcome judge(LitmusTest test, String mode, FinalStates finals, long executions, long pruned,
                                 long deadlocked, double seconds, boolean complete) {
        List<StateCount> states = new ArrayList<>();
        long pos = 0;
        long neg = 0;
        long filtered = 0;
        for (Map.Entry<FinalStates.State, Long> e : finals.counts().entrySet()) {
            long[] v = e.getKey().values();
            if (test.filter() != null && !test.filter().holds(v)) {
                filtered += e.getValue();
                continue;
            }
            boolean sat = test.condition().holds(v);
            if (sat) pos += e.getValue(); else neg += e.getValue();
            states.add(new StateCount(test.showState(v), e.getValue(), sat));
        }
        states.sort(Comparator.comparing(StateCount::state));
        String verdict = pos == 0 ? "Never" : neg == 0 ? "Always" : "Sometimes";
        boolean ok = switch (test.quantifier()) {
            case EXISTS -> pos > 0;
            case NOT_EXISTS -> pos == 0;
            case FORALL -> neg == 0;
        };
        return new Outcome(test, mode, List.copyOf(states), verdict, ok ? "Ok" : "No", pos, neg, executions, pruned,
                deadlocked, filtered, seconds, complete);
    }

    /** herd7's word for what the clause asks: Allowed (exists), Forbidden (~exists), Required (forall). */
    public static String kind(Ast.Quantifier q) {
        return switch (q) {
            case EXISTS -> "Allowed";
            case NOT_EXISTS -> "Forbidden";
            case FORALL -> "Required";
        };
    }
}
