package lazymm.rt;

import jdk.internal.vm.Continuation;
import lazymm.engine.Execution;
import lazymm.engine.ModelThread;

/**
 * The yield-point hook. The agent inserts {@code Yield.point("Class.method:line what")} before
 * every shared access in the model packages; this class is the only thing the instrumented code
 * calls, and it does one thing: hand the site to the execution that runs the current thread.
 *
 * <p>Outside an execution (a unit test, Lincheck's own threads, the engine's final checks) there
 * is no current model thread and the call returns at once.
 */
public final class Yield {

    private Yield() {}

    public static void point(String site) {
        Continuation c = Continuation.getCurrentContinuation(Execution.SCOPE);
        if (c instanceof ModelThread t) {
            t.execution().yieldPoint(t, site);
        }
    }
}
