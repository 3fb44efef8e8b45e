package lazymm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import lazymm.engine.strategy.RandomWalk;
import lazymm.model.sim.Program;
import lazymm.model.sim.SequentialMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs in its own surefire execution without the agent: the model is plain sequential Java, no
 * yield points, so every CPU runs to its end before the next starts and the example bugs cannot
 * happen.
 */
@EnabledIfSystemProperty(named = "lazymm.noagent", matches = "true")
class EngineNoAgentTest {

    @Test
    void noYieldPointsWithoutTheAgent() {
        String v = "example-lost-update";
        Result r = Run.once(Run.target(v), Run.config(v), Program.of(List.of(List.of("inc", "inc"), List.of("inc"))),
                new RandomWalk(new SplitMix64(1)), true);
        assertEquals(0, r.steps());
        assertNull(r.violation());
    }

    @Test
    void theBrokenExamplesNeverFailSequentially() {
        for (String v : new String[] {"example-lost-update", "example-refcount-drop"}) {
            Explorer.Outcome o = Explorer.explore(Explorer.Settings.of(Run.target(v), Run.config(v))
                    .seed(5).maxExecutions(2_000).maxSteps(1000), 1e9, null);
            assertNull(o.failing(), v);
            assertEquals(2_000, o.executions());
        }
    }

    @Test
    void sequentialMachineRunsTheModelAsPlainJava() {
        String v = "example-refcount-drop";
        SequentialMachine m = new SequentialMachine(2);
        var inst = Run.target(v).create(m, Run.config(v), Run.target(v).defaultProgram(Run.config(v)));
        m.runAll(inst);  // throws a Violation if the sequential run were wrong
    }
}
