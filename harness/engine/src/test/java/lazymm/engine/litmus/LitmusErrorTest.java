package lazymm.engine.litmus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lazymm.cli.Main;
import lazymm.engine.NeedsAgent;
import lazymm.model.litmus.LitmusError;
import lazymm.model.litmus.LitmusParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad litmus file gets file:line:column and what was expected; the other files still run. */
@NeedsAgent
class LitmusErrorTest {

    private static final String GOOD = """
            C MP+ok
            {}
            P0(int *x, int *y)
            {
            	WRITE_ONCE(*x, 1);
            	smp_store_release(y, 1);
            }
            P1(int *x, int *y)
            {
            	int r0;
            	int r1;
            	r0 = smp_load_acquire(y);
            	r1 = READ_ONCE(*x);
            }
            exists (1:r0=1 /\\ 1:r1=0)
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // what to replace in GOOD | with what | the message
            // the missing ';' is reported where it belongs: line 5, just after the call
            "WRITE_ONCE(*x, 1);|WRITE_ONCE(*x, 1)|t.litmus:5:19: expected ';' after the call of WRITE_ONCE(), found 'smp_store_release'",
            "smp_store_release(y, 1);|frobnicate(y);|t.litmus:6:2: unknown function 'frobnicate'",
            "exists (1:r0=1|exists (1:r0=|t.litmus:15:15: expected a value (a number or a location), found '/\\'",
            "smp_store_release(y, 1);|synchronize_srcu(s);|t.litmus:6:2: unsupported"})
    void errorsNameFileLineColumn(String from, String to, String message) {
        String text = GOOD.replace(from, to);
        LitmusError e = assertThrows(LitmusError.class, () -> LitmusParser.parse("t.litmus", text));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    /**
     * Nesting past {@link LitmusParser}'s bound is an error at the level that passes it, not a
     * stack overflow; each kind of nesting, 50,000 deep. A test nested within the bound still runs.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "parentheses|r0 = smp_load_acquire(y);|r0 = #(#smp_load_acquire(y)#)#;|t.litmus:12:",
            "unary operators|r0 = smp_load_acquire(y);|r0 = #!#smp_load_acquire(y);|t.litmus:12:",
            "a binary chain|r0 = smp_load_acquire(y);|r0 = smp_load_acquire(y)# + 1#;|t.litmus:12:",
            "blocks|WRITE_ONCE(*x, 1);|#{#WRITE_ONCE(*x, 1);#}#|t.litmus:5:",
            "ifs|WRITE_ONCE(*x, 1);|#if (1) #WRITE_ONCE(*x, 1);|t.litmus:5:",
            "the condition's negations|exists (1:r0=1|exists #~#(1:r0=1|t.litmus:15:",
            "the condition's conjunctions|exists (1:r0=1 /\\ 1:r1=0)|exists (1:r0=1# /\\ 1:r1=0#)|t.litmus:15:"})
    void nestingPastTheBoundIsAnErrorNotAStackOverflow(String what, String from, String to, String at) {
        for (int depth : new int[] {50_000, 100}) {
            // #x# in `to` is x repeated depth times
            StringBuilder sb = new StringBuilder();
            String[] parts = to.split("#", -1);
            for (int i = 0; i < parts.length; i++) sb.append(i % 2 == 1 ? parts[i].repeat(depth) : parts[i]);
            String text = GOOD.replace(from, sb.toString());
            if (depth > LitmusParser.MAX_NESTING) {
                LitmusError e = assertThrows(LitmusError.class, () -> LitmusParser.parse("t.litmus", text), what);
                assertTrue(e.getMessage().startsWith(at) && e.getMessage().contains("nested deeper than "
                        + LitmusParser.MAX_NESTING + " levels"), what + ": " + e.getMessage());
            } else {
                LitmusParser.parse("t.litmus", text);  // within the bound: parses
            }
        }
    }

    @Test
    void aFileLargerThanTheBoundIsOneErrorLine(@TempDir Path tmp) throws Exception {
        Path big = tmp.resolve("big.litmus");
        Files.writeString(big, GOOD + "(*" + " ".repeat(2 << 20) + "*)\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"litmus", big.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(2, code, out + "\n" + err);
        assertEquals("lazymm: error: " + big + ": larger than 1 MiB, not a litmus test", err.toString().strip());
    }

    @Test
    void theCommandLineReportsTheBadFileRunsTheGoodOneAndExitsTwo(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("good.litmus");
        Path bad = tmp.resolve("bad.litmus");
        Files.writeString(good, GOOD);
        Files.writeString(bad, GOOD.replace("WRITE_ONCE(*x, 1);", "WRITE_ONCE(*x, 1)"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"litmus", "--model", "sc", bad.toString(), good.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(2, code, out + "\n" + err);
        assertTrue(err.toString().contains("bad.litmus:5:19: expected ';'"), err.toString());
        assertTrue(out.toString().contains("Observation MP+ok Never"), out.toString());
    }

    /** --time stops a search and says so, in the output and the report; a negative --time is bad usage. */
    @Test
    void theTimeLimitStopsTheSearchAndSaysItIsIncomplete(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("good.litmus");
        Files.writeString(good, GOOD);
        Path report = tmp.resolve("r.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"litmus", "--time", "1e-9", "--report", report.toString(), good.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().contains("INCOMPLETE: MP+ok: stopped at the --time limit"), out.toString());
        assertTrue(Files.readString(report).contains("\"complete\": false"), Files.readString(report));
        StringWriter out2 = new StringWriter();
        code = Main.run(new String[] {"litmus", good.toString()}, new PrintWriter(out2, true), new PrintWriter(err, true));
        assertEquals(0, code);
        assertTrue(!out2.toString().contains("INCOMPLETE") && out2.toString().contains("Observation MP+ok Never"), out2.toString());
        StringWriter err3 = new StringWriter();
        code = Main.run(new String[] {"litmus", "--time", "-1", good.toString()}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err3, true));
        assertEquals(2, code, err3.toString());
        assertEquals("lazymm: error: --time must be >= 0, not -1.0", err3.toString().strip());
    }
}
