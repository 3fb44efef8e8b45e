package lazymm.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** /proc/interrupts as x86 and arm64 print it. */
class InterruptsTest {

    static final String X86 = """
                       CPU0       CPU1      \s
              0:         45          0   IO-APIC   2-edge      timer
             24:          1          0  IO-APIC   5-edge      ACPI:Ged
            NMI:          0          0   Non-maskable interrupts
            LOC:    8370294    8441556   Local timer interrupts
            RES:    1229363    1180080   Rescheduling interrupts
            CAL:    1431372    1368918   Function call interrupts
            TLB:     195291     194159   TLB shootdowns
            ERR:          0
            MIS:          0
            """;

    static final String ARM64 = """
                       CPU0       CPU1       CPU2       CPU3
             11:     123456     234567     345678     456789     GICv3  27 Level     arch_timer
            IPI0:      1000       2000       3000       4000       Rescheduling interrupts
            IPI1:       111        222        333        444       Function call interrupts
            IPI2:         0          0          0          0       CPU stop interrupts
            """;

    @Test
    void x86CalIsTheFunctionCallRowAndColumnsFollowTheHeader() {
        Interrupts t = Interrupts.parse(X86);
        assertEquals(List.of(0, 1), t.cpus());
        Interrupts.Row cal = t.functionCalls();
        assertEquals("CAL", cal.label());
        assertEquals(1431372L, t.count(cal, 0));
        assertEquals(1368918L, t.count(cal, 1));
        assertEquals("Function call interrupts", cal.description());
        assertEquals(List.of(0L), t.rows().get("ERR").counts());  // one count, no description
        assertEquals("IO-APIC 2-edge timer", t.rows().get("0").description());
    }

    @Test
    void arm64SaysFunctionCallInIpi1() {
        Interrupts t = Interrupts.parse(ARM64);
        Interrupts.Row r = t.functionCalls();
        assertEquals("IPI1", r.label());
        assertEquals(333L, t.count(r, 2));
    }

    @Test
    void anOfflineCpuLeavesAGapInTheColumns() {
        Interrupts t = Interrupts.parse("           CPU0       CPU2\nCAL:         10         20   Function call interrupts\n");
        assertEquals(20L, t.count(t.functionCalls(), 2));
        var e = assertThrows(IllegalArgumentException.class, () -> t.count(t.functionCalls(), 1));
        assertTrue(e.getMessage().contains("no column CPU1 (columns: CPU0 CPU2)"), e.getMessage());
    }

    @Test
    void malformedTextSaysWhatIsWrong() {
        var e = assertThrows(IllegalArgumentException.class, () -> Interrupts.parse("  CPU0 oops\n"));
        assertTrue(e.getMessage().contains("'oops'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Interrupts.parse("  CPU0\nLOC:  12  Local timer interrupts\n").functionCalls());
        assertTrue(e.getMessage().contains("no \"Function call interrupts\" row (rows: LOC)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Interrupts.parse("  CPU0\nCAL:  Function call interrupts\n"));
        assertTrue(e.getMessage().contains("row CAL has no counts"), e.getMessage());
    }
}
