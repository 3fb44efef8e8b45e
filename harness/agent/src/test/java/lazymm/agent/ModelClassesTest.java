package lazymm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lazymm.model.mem.Memory;
import org.junit.jupiter.api.Test;

/**
 * The real model module (whatever it holds today) under the default options: every class
 * transforms without error, the infrastructure packages are left alone, and every instrumented
 * class still passes the JVM's bytecode verifier (the max-stack bump and untouched frames).
 */
class ModelClassesTest {

    @Test
    void everyModelClassTransformsAndVerifies() throws Exception {
        List<String> names = modelClassNames();
        assertTrue(names.contains("lazymm.model.mem.Memory"), names.toString());
        InstrumentingLoader loader = new InstrumentingLoader(
                YieldAgent.transformer(AgentOptions.defaults()), "lazymm.model.", "lazymm.example.");
        int instrumented = 0;
        int yieldPoints = 0;
        for (String name : names) {
            if (name.endsWith("module-info") || name.endsWith("package-info")) continue;
            Class<?> c = Class.forName(name, false, loader);
            c.getDeclaredMethods();  // links the class, so the verifier runs now
            byte[] out = loader.transformed.get(name);
            boolean infrastructure = name.startsWith("lazymm.model.mem.") || name.startsWith("lazymm.model.sim.");
            // infrastructure is never touched; a model class with no shared access has nothing to insert
            if (infrastructure) assertEquals(0, out.length, name);
            if (out.length > 0) {
                instrumented++;
                yieldPoints += YieldPoints.count(out);
            }
        }
        assertTrue(instrumented > 0, "no model class instrumented");
        assertTrue(yieldPoints > 0, "no yield point in the model");
        // nothing is ever inserted into a <clinit> or <init>
        for (byte[] bytes : loader.transformed.values()) {
            if (bytes.length == 0) continue;
            for (String site : YieldPoints.sites(bytes)) {
                assertFalse(site.contains(".<init>:") || site.contains(".<clinit>:"), site);
            }
        }
    }

    /** The binary names of the classes in the model module's jar or classes directory. */
    static List<String> modelClassNames() throws IOException, URISyntaxException {
        Path location = Path.of(Memory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) return classNames(location);
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            return classNames(jar.getPath("/"));
        }
    }

    private static List<String> classNames(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !root.relativize(p).toString().startsWith("META-INF"))
                    .forEach(p -> {
                        String rel = root.relativize(p).toString();
                        names.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'));
                    });
        }
        return names;
    }
}
