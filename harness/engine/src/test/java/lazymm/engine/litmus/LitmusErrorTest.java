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
            "smp_store_release(y, 1);|synchronize_rcu();|t.litmus:6:2: unsupported"})
    void errorsNameFileLineColumn(String from, String to, String message) {
        String text = GOOD.replace(from, to);
        LitmusError e = assertThrows(LitmusError.class, () -> LitmusParser.parse("t.litmus", text));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
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
}
