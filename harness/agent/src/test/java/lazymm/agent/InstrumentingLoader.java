package lazymm.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fresh, child-first class loader for the fixture packages that passes every fixture class
 * through a transformer, as the JVM would with the agent installed, and keeps what came out.
 * Everything else (the JDK, the model module, the test copy of lazymm.rt.Yield) comes from the
 * parent. Its resources are the parent's, i.e. the original class files, which is what the
 * transformer's TypePool reads.
 */
final class InstrumentingLoader extends ClassLoader {

    private final ClassFileTransformer transformer;
    private final String[] childFirst;
    /** Binary name -> transformed bytes; a class the transformer left alone maps to an empty array. */
    final Map<String, byte[]> transformed = new ConcurrentHashMap<>();

    /** Loads the fixture packages ({@code lazymm.model.agenttest.}, {@code lazymm.other.}) itself. */
    InstrumentingLoader(ClassFileTransformer transformer) {
        this(transformer, "lazymm.model.agenttest.", "lazymm.other.");
    }

    /** Loads the classes whose names start with one of {@code childFirst} itself. */
    InstrumentingLoader(ClassFileTransformer transformer, String... childFirst) {
        super("instrumenting", InstrumentingLoader.class.getClassLoader());
        this.transformer = transformer;
        this.childFirst = childFirst.clone();
    }

    static byte[] originalBytes(String binaryName) {
        String resource = binaryName.replace('.', '/') + ".class";
        try (InputStream in = InstrumentingLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException("no class file " + resource);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        boolean mine = false;
        for (String p : childFirst) mine |= name.startsWith(p);
        if (!mine) return super.loadClass(name, resolve);
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] original = originalBytes(name);
                byte[] out;
                try {
                    out = transformer.transform(this, name.replace('.', '/'), null, null, original);
                } catch (IllegalClassFormatException e) {
                    throw new ClassNotFoundException(name, e);
                }
                transformed.put(name, out == null ? new byte[0] : out);
                byte[] bytes = out == null ? original : out;
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve) resolveClass(c);
            return c;
        }
    }
}
