package lazymm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Integration test (failsafe, after package) of the shaded jar itself: its contents and manifest,
 * and a child JVM that runs fixtures with it as {@code -javaagent} and no ByteBuddy on the class
 * path.
 */
class ShadedJarIT {

    private static Path agentJar() {
        String p = System.getProperty("lazymm.agent.jar");
        assertTrue(p != null && Files.isRegularFile(Path.of(p)), "lazymm.agent.jar: " + p);
        return Path.of(p);
    }

    @Test
    void jarHoldsOnlyTheAgentAndRelocatedByteBuddy() throws IOException {
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            Manifest m = jar.getManifest();
            assertEquals("lazymm.agent.YieldAgent", m.getMainAttributes().getValue("Premain-Class"));
            assertEquals("lazymm.agent.YieldAgent", m.getMainAttributes().getValue("Agent-Class"));
            List<String> classes = jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList();
            assertTrue(classes.contains("lazymm/agent/YieldAgent.class"));
            assertTrue(classes.contains("lazymm/shaded/bytebuddy/agent/builder/AgentBuilder.class"));
            assertTrue(classes.contains("lazymm/shaded/bytebuddy/jar/asm/ClassReader.class"));
            List<String> stray = classes.stream()
                    .map(n -> n.replaceFirst("^META-INF/versions/[0-9]+/", ""))
                    .filter(n -> !n.startsWith("lazymm/agent/") && !n.startsWith("lazymm/shaded/bytebuddy/"))
                    .toList();
            assertEquals(List.of(), stray);
            assertFalse(classes.stream().anyMatch(n -> n.startsWith("lazymm/rt/")), "the hook belongs to the engine");
        }
    }

    @Test
    void agentInstrumentsTheModelInAChildJvm() throws Exception {
        Result r = run("verbose;exclude=lazymm.model.mem.,lazymm.model.sim.,lazymm.model.agenttest.infra.");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("after-init 0"), r.toString());
        // incPlain 2 + memoryCalls 3 + apiCalls 4
        assertTrue(r.out.contains("total 9"), r.toString());
        assertTrue(r.out.contains("unshaded-bytebuddy-visible false"), r.toString());
        assertTrue(r.err.contains("lazymm-agent: instrumented lazymm.model.agenttest.Fixture ("
                + lazymm.model.agenttest.Fixture.EXPECTED_YIELD_POINTS + " yield points)"), r.toString());
        assertFalse(r.err.contains("failed to instrument"), r.toString());
        assertFalse(r.err.contains("lazymm.other.ItMain"), r.toString());
        assertFalse(r.err.contains("lazymm.model.agenttest.infra.Helper"), r.toString());
        assertFalse(r.err.contains("sun.misc.Unsafe"), "no Nexus injection through Unsafe: " + r);
    }

    @Test
    void badArgumentsFailTheJvmStart() throws Exception {
        Result r = run("include=lazymm.model.;frobnicate");
        assertNotEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("unknown option 'frobnicate'"), r.toString());
        assertTrue(r.err.contains("valid keys: include, exclude, verbose"), r.toString());
        assertFalse(r.out.contains("total"), r.toString());
    }

    private record Result(int exit, String out, String err) {}

    /** The test class path minus ByteBuddy and this module's unshaded classes, plus the agent. */
    private static Result run(String agentArgs) throws Exception {
        String moduleClasses = new File("target/classes").getAbsolutePath();
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("byte-buddy"))
                .filter(e -> !new File(e).getAbsolutePath().equals(moduleClasses))
                .filter(e -> !new File(e).getAbsolutePath().equals(agentJar().toAbsolutePath().toString()))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + agentJar() + "=" + agentArgs,
                "-cp", cp, "lazymm.other.ItMain"));
        Path out = Files.createTempFile("agent-it", ".out");
        Path err = Files.createTempFile("agent-it", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int exit = p.waitFor();
            return new Result(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
