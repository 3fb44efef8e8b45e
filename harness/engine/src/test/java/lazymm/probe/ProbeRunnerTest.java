package lazymm.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the compiler, and the probes' sources in the jar. */
class ProbeRunnerTest {

    @TempDir
    Path tmp;

    @Test
    void ccIsTheFirstExecutableOnPath() throws Exception {
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        assertNull(ProbeRunner.findOnPath("cc", empty.toString()));
        assertNull(ProbeRunner.findOnPath("cc", null));
        Path notExec = Files.writeString(bin.resolve("cc"), "");
        assertNull(ProbeRunner.findOnPath("cc", empty + File.pathSeparator + bin));
        Files.setPosixFilePermissions(notExec, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(notExec, ProbeRunner.findOnPath("cc", empty + File.pathSeparator + bin));
    }

    @Test
    void everyProbeHasItsSourceAndTakesItsConstantsFromTheKernelHeaders() throws Exception {
        for (Probe p : Probes.all()) {
            try (var in = Probe.class.getResourceAsStream(p.source())) {
                assertNotNull(in, p.source());
                String c = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                for (String inc : new String[] {"#include <linux/membarrier.h>", "#include <sys/syscall.h>"}) {
                    assertEquals(true, c.contains(inc), p.source() + " lacks " + inc);
                }
                assertEquals(false, c.matches("(?s).*#define\\s+(__NR_membarrier|MEMBARRIER_CMD_\\w+).*"),
                        p.source() + " defines a membarrier constant of its own");
            }
        }
    }
}
