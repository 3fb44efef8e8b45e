package lazymm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent argument syntax and the include/exclude rule. */
class AgentOptionsTest {

    @Test
    void noArgumentsGiveTheDefaults() {
        assertEquals(AgentOptions.defaults(), AgentOptions.parse(null));
        assertEquals(AgentOptions.defaults(), AgentOptions.parse(""));
        assertEquals(List.of("lazymm.model.", "lazymm.example."), AgentOptions.defaults().include());
        assertEquals(List.of("lazymm.model.mem.", "lazymm.model.sim."), AgentOptions.defaults().exclude());
        assertFalse(AgentOptions.defaults().verbose());
    }

    @Test
    void parsesIncludeExcludeVerbose() {
        AgentOptions o = AgentOptions.parse("include=a.,b.;exclude=c.;verbose");
        assertEquals(new AgentOptions(List.of("a.", "b."), List.of("c."), true), o);
        assertEquals(new AgentOptions(List.of("x."), AgentOptions.DEFAULT_EXCLUDE, false),
                AgentOptions.parse(" include = x. ; verbose=false ;"));
        assertEquals(List.of(), AgentOptions.parse("exclude=").exclude());
        assertTrue(AgentOptions.parse("verbose=true").verbose());
    }

    @Test
    void theRule() {
        AgentOptions d = AgentOptions.defaults();
        assertTrue(d.instruments("lazymm.example.LostUpdate"));
        assertTrue(d.instruments("lazymm.model.Catalog"));
        assertFalse(d.instruments("lazymm.model.mem.Memory"));
        assertFalse(d.instruments("lazymm.model.sim.Machine"));
        assertFalse(d.instruments("lazymm.engine.Scheduler"));
        assertFalse(d.instruments("java.lang.String"));
        AgentOptions all = AgentOptions.parse("include=lazymm.;exclude=");
        assertTrue(all.instruments("lazymm.model.mem.Memory"));
        assertFalse(all.instruments("lazymm.rt.Yield"));
        assertFalse(all.instruments("lazymm.agent.YieldAgent"));
        assertFalse(all.instruments("lazymm.shaded.bytebuddy.ByteBuddy"));
    }

    @Test
    void unknownKeyIsRejectedWithTheValidKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("include=a.;verbos"));
        assertEquals("lazymm-agent: unknown option 'verbos' in agent arguments 'include=a.;verbos'; "
                + "valid keys: include, exclude, verbose (syntax: include=a.,b.;exclude=c.;verbose)", e.getMessage());
    }

    @Test
    void otherMistakesAreRejected() {
        for (String bad : List.of("include=", "include=a.;include=b.", "verbose=yes", "=x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(bad), bad);
            assertTrue(e.getMessage().contains("valid keys: include, exclude, verbose"), e.getMessage());
        }
    }
}
