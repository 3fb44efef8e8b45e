package lazymm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lazymm.engine.NeedsAgent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ./lazymm fuzz refuses bad options with one line and exit 2, before it starts any worker. */
@NeedsAgent
class FuzzOptionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--variant no-such;unknown variant 'no-such' (see ./lazymm list)",
            "--arch s390x;unknown arch 's390x' for target kernel (expected one of x86, arm64, powerpc, s390)",
            "--variant example-lost-update --arch x86;unknown arch 'x86' for target example (expected none: its variants have no architecture)",
            "--cpus 0;--cpus must be within 1..32 (the model's cpumasks are 32-bit words) with MIN <= MAX, got '0'",
            "--cpus 4-2;--cpus must be within 1..32 (the model's cpumasks are 32-bit words) with MIN <= MAX, got '4-2'",
            "--cpus 2-64;--cpus must be within 1..32 (the model's cpumasks are 32-bit words) with MIN <= MAX, got '2-64'",
            "--cpus 33;--cpus must be within 1..32 (the model's cpumasks are 32-bit words) with MIN <= MAX, got '33'",
            "--cpus two;--cpus must be N or MIN-MAX, got 'two'",
            "--jobs 0;--jobs must be 1..64, got 0",
            "--time -1;--time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got -1",
            "--time NaN;--time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got NaN",
            "--time 1e10;--time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got 10000000000",
            "--time Infinity;--time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got Infinity",
            "--minimize-time NaN;--minimize-time must be 0 (no limit) or more seconds, at most 2592000 (30 days), got NaN",
            "--memory strong;unknown memory mode 'strong' (expected one of [sc, tso, weak])",
            "--max-steps 0;--max-steps must be at least 1, got 0",
            "--feedback pairs;--feedback must be one of conflicts, switches, all, none, got 'pairs'"})
    void badOptionsAreOneLineAndExitTwo(String args, String message) {
        MainTest.Out r = MainTest.run(("fuzz " + args).split(" "));
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("lazymm: error: " + message, r.err().strip());
        assertTrue(r.out().isEmpty(), r.out());
    }
}
