package lazymm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import lazymm.model.agenttest.Fixture;
import lazymm.rt.Yield;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transforms the fixture classes with {@link YieldAgent#transformer}, without a running agent,
 * loads them in a fresh class loader, and checks the yield points: statically (the calls in the
 * bytes) and at run time (the test copy of {@code lazymm.rt.Yield} counts them).
 */
class YieldAgentTest {

    static final String FIXTURE = "lazymm.model.agenttest.Fixture";
    static final String HELPER = "lazymm.model.agenttest.infra.Helper";
    static final String OUTSIDE = "lazymm.other.Outside";

    /** The defaults, plus the fixture's own infrastructure package excluded. */
    static final AgentOptions OPTIONS =
            AgentOptions.parse("exclude=lazymm.model.mem.,lazymm.model.sim.,lazymm.model.agenttest.infra.");

    /** Yield points per method of Fixture; methods not listed must have none. */
    static final Map<String, Integer> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("readPlain", 1),
            Map.entry("incPlain", 2),
            Map.entry("incStatic", 2),
            Map.entry("readInherited", 1),
            Map.entry("memoryCalls", 3),
            Map.entry("apiCalls", 4),
            Map.entry("baseAccess", 1),
            Map.entry("cellDirect", 1),
            Map.entry("lambda$viaLambda$0", 2),
            Map.entry("siteProbe", 1),
            Map.entry("callProbe", 1)));

    InstrumentingLoader loader;

    @BeforeEach
    void setUp() {
        Yield.reset();
        loader = new InstrumentingLoader(YieldAgent.transformer(OPTIONS));
    }

    private byte[] instrumented(String name) throws Exception {
        Class.forName(name, false, loader);
        byte[] bytes = loader.transformed.get(name);
        assertNotNull(bytes, name + " was not loaded through the instrumenting loader");
        return bytes;
    }

    private Object newFixture() throws Exception {
        return Class.forName(FIXTURE, true, loader).getConstructor().newInstance();
    }

    /** Runs a no-argument method of the instrumented fixture; returns its yield-point calls. */
    private int yieldsOf(Object fixture, String method) throws Exception {
        int before = Yield.total();
        fixture.getClass().getMethod(method).invoke(fixture);
        return Yield.total() - before;
    }

    private static String methodOf(String site) {
        return site.substring(site.indexOf('.') + 1, site.indexOf(':'));
    }

    @Test
    void fixtureGetsExactlyTheExpectedYieldPoints() throws Exception {
        byte[] bytes = instrumented(FIXTURE);
        assertEquals(Fixture.EXPECTED_YIELD_POINTS, YieldPoints.count(bytes));
        assertEquals(EXPECTED.values().stream().mapToInt(Integer::intValue).sum(), YieldPoints.count(bytes));
        assertEquals(0, YieldPoints.count(InstrumentingLoader.originalBytes(FIXTURE)));

        Map<String, Integer> perMethod = new TreeMap<>();
        for (String site : YieldPoints.sites(bytes)) perMethod.merge(methodOf(site), 1, Integer::sum);
        // not listed, so none in: <init>, <clinit>, readFinals (final fields, constants),
        // cellViaBase (un-annotated method), foreignFields (excluded / outside owners), viaLambda,
        // ghostAccess (a @Ghost field)
        assertEquals(EXPECTED, perMethod);
    }

    @Test
    void yieldPointsRunAsCounted() throws Exception {
        Object fixture = newFixture();
        assertEquals(0, Yield.total(), "constructor and static initializer must not yield: " + Yield.counts());
        for (Method m : fixture.getClass().getDeclaredMethods()) {
            if (m.getParameterCount() != 0 || !java.lang.reflect.Modifier.isPublic(m.getModifiers())) continue;
            int expected = m.getName().equals("viaLambda") ? EXPECTED.get("lambda$viaLambda$0")
                    : EXPECTED.getOrDefault(m.getName(), 0);
            assertEquals(expected, yieldsOf(fixture, m.getName()), m.getName() + ": " + Yield.counts());
        }
    }

    @Test
    void siteStringsNameClassMethodLineAndAccess() throws Exception {
        Object fixture = newFixture();
        int[] probe = (int[]) fixture.getClass().getMethod("siteProbe").invoke(fixture);
        int line = probe[1];
        assertTrue(line > 0);
        assertEquals(Map.of("Fixture.siteProbe:" + line + " read plain", 1), Yield.counts());

        Yield.reset();
        int callLine = (int) fixture.getClass().getMethod("callProbe").invoke(fixture);
        assertEquals(Map.of("Fixture.callProbe:" + callLine + " access", 1), Yield.counts());

        // read before write, on one line, for plain++; the real memory API by method name
        List<String> sites = YieldPoints.sites(instrumented(FIXTURE));
        String read = sites.stream().filter(s -> s.startsWith("Fixture.incPlain:")).findFirst().orElseThrow();
        String incLine = read.substring(read.indexOf(':') + 1, read.indexOf(' '));
        assertEquals(List.of("Fixture.incPlain:" + incLine + " read plain", "Fixture.incPlain:" + incLine + " write plain"),
                sites.stream().filter(s -> s.startsWith("Fixture.incPlain:")).toList());
        assertTrue(sites.stream().anyMatch(s -> s.matches("Fixture\\.memoryCalls:[1-9][0-9]* atomicInc")), sites.toString());
        assertTrue(sites.stream().anyMatch(s -> s.matches("Fixture\\.incStatic:[1-9][0-9]* write staticCounter")), sites.toString());
        assertTrue(sites.stream().anyMatch(s -> s.matches("Fixture\\.lambda\\$viaLambda\\$0:[1-9][0-9]* read plain")), sites.toString());
    }

    @Test
    void classesOutsideTheRuleAreUntouched() throws Exception {
        assertArrayEquals(new byte[0], instrumented(OUTSIDE), "lazymm.other is not included");
        assertArrayEquals(new byte[0], instrumented(HELPER), "the excluded prefix");

        ClassFileTransformer defaults = YieldAgent.transformer(AgentOptions.defaults());
        assertNull(transform(defaults, "java.util.ArrayList"));
        assertNull(transform(defaults, "lazymm.model.mem.Memory"), "lazymm.model.mem. is excluded by default");
        assertNull(transform(defaults, "lazymm.model.mem.IntVar"));
        assertNull(transform(defaults, "lazymm.model.sim.Machine"), "lazymm.model.sim. is excluded by default");
        assertNull(transform(defaults, OUTSIDE));
        byte[] helper = transform(defaults, HELPER);
        assertNotNull(helper, "by default the fixture's infra package is an ordinary model package");
        assertEquals(List.of("Helper.bump:" + lineOf(helper) + " read value", "Helper.bump:" + lineOf(helper) + " write value"),
                YieldPoints.sites(helper));

        // never, whatever the include says: the hook itself and the agent
        ClassFileTransformer everything = YieldAgent.transformer(AgentOptions.parse("include=lazymm.;exclude="));
        assertNull(transform(everything, "lazymm.rt.Yield"));
        assertNull(transform(everything, "lazymm.agent.YieldAgent"));
        assertNotNull(transform(everything, "lazymm.model.mem.Memory"), "exclude= excludes nothing");
    }

    private static String lineOf(byte[] helper) {
        String s = YieldPoints.sites(helper).get(0);
        return s.substring(s.indexOf(':') + 1, s.indexOf(' '));
    }

    private byte[] transform(ClassFileTransformer t, String name) throws Exception {
        return t.transform(loader, name.replace('.', '/'), null, null, InstrumentingLoader.originalBytes(name));
    }

    @Test
    void bridgeMethodsGetNoYieldPoint() throws Exception {
        byte[] bytes = instrumented("lazymm.model.agenttest.IntCell");
        Class<?> cell = Class.forName("lazymm.model.agenttest.IntCell", false, loader);
        assertTrue(Arrays.stream(cell.getDeclaredMethods()).anyMatch(Method::isBridge), "javac made no bridge");
        assertEquals(0, YieldPoints.count(bytes), YieldPoints.sites(bytes).toString());
    }

    @Test
    void unresolvableFieldYieldsAndVerboseSaysSo() throws Exception {
        byte[] generated = generatedClassReadingMissingField();
        ClassFileTransformer verbose = YieldAgent.transformer(AgentOptions.parse("verbose"));
        String[] err = new String[1];
        byte[] out = captureStderr(err, () -> verbose.transform(loader, "lazymm/model/agenttest/Generated", null, null, generated));
        assertNotNull(out);
        assertEquals(List.of("Generated.m:0 read f"), YieldPoints.sites(out));
        assertTrue(err[0].contains("lazymm-agent: cannot resolve field lazymm.model.agenttest.Missing.f"), err[0]);
        assertTrue(err[0].contains("lazymm-agent: instrumented lazymm.model.agenttest.Generated (1 yield points)"), err[0]);

        // and quiet without verbose
        byte[] quiet = captureStderr(err, () -> YieldAgent.transformer(AgentOptions.defaults())
                .transform(loader, "lazymm/model/agenttest/Generated", null, null, generated));
        assertEquals(1, YieldPoints.count(quiet));
        assertEquals("", err[0]);
    }

    @Test
    void transformationErrorsAlwaysReachStderr() {
        String[] err = new String[1];
        byte[] garbage = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 65, 1, 2, 3};
        ClassFileTransformer quiet = YieldAgent.transformer(AgentOptions.defaults());
        // The JVM ignores a transformer's exception (the class loads unchanged), so the message is
        // what tells the user; a direct caller gets the exception too.
        assertThrows(IllegalStateException.class, () -> captureStderr(err,
                () -> quiet.transform(loader, "lazymm/model/agenttest/Broken", null, null, garbage)));
        assertTrue(err[0].startsWith("lazymm-agent: failed to instrument lazymm.model.agenttest.Broken: "), err[0]);
        assertEquals(1, err[0].lines().count(), "one line without verbose: " + err[0]);
    }

    @Test
    void badAgentArgumentsFailPremain() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> YieldAgent.premain("include=lazymm.model.;bogus=1", null));
        assertTrue(e.getMessage().contains("unknown option 'bogus'"), e.getMessage());
        assertTrue(e.getMessage().contains("valid keys: include, exclude, verbose"), e.getMessage());
    }

    /** {@code static void m() { Missing.f; }} with no line numbers, Missing nowhere. */
    private static byte[] generatedClassReadingMissingField() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V21, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "lazymm/model/agenttest/Generated", null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "m", "()V", null, null);
        mv.visitCode();
        mv.visitFieldInsn(Opcodes.GETSTATIC, "lazymm/model/agenttest/Missing", "f", "I");
        mv.visitInsn(Opcodes.POP);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(1, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static <T> T captureStderr(String[] into, Callable<T> action) throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            return action.call();
        } finally {
            System.setErr(saved);
            into[0] = buffer.toString(StandardCharsets.UTF_8);
        }
    }
}
