package lazymm.agent;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.pool.TypePool;

/**
 * Decides, from class files only (a ByteBuddy {@link TypePool}, never by loading a class), which
 * field and method references of model code are shared accesses, with caches.
 *
 * <p>Mutable state: the caches, one pair of maps per class loader (the same name may be two
 * classes in two loaders), held in a weak map so that a discarded model class loader can be
 * collected. They belong to one transformer instance, are safe for concurrent transformations,
 * and only ever grow: a class file, once read from a loader, does not change.
 */
final class AccessResolver {

    /** The runtime annotation that marks a memory-API method as one shared access. */
    static final String SHARED_ACCESS = "lazymm.model.mem.SharedAccess";

    /** The runtime annotation that marks a field as the model's bookkeeping, never a yield point. */
    static final String GHOST = "lazymm.model.sim.Ghost";

    /** What to do before a field access. */
    enum FieldVerdict {
        YIELD,
        NO_YIELD,
        /** The field or its owner could not be found: yield, to be safe. */
        UNRESOLVED
    }

    private final AgentOptions options;
    private final Map<ClassLoader, Scope> scopes = Collections.synchronizedMap(new WeakHashMap<>());

    AccessResolver(AgentOptions options) {
        this.options = options;
    }

    /** The caches for the classes of one loader ({@code null}: the bootstrap loader). */
    Scope scope(ClassLoader loader) {
        return scopes.computeIfAbsent(loader, l -> new Scope());
    }

    /** Lookups whose results hold for one class loader; the pool must read that loader's classes. */
    final class Scope {
        private final Map<String, FieldVerdict> fields = new ConcurrentHashMap<>();
        private final Map<String, Boolean> methods = new ConcurrentHashMap<>();

        /**
         * Whether a GET/PUT of {@code owner.name} (internal owner name) needs a yield point: the
         * owner is instrumented, and the field it resolves to (JVMS 5.4.3.2: declared, then
         * superinterfaces, then superclass) is not final, not {@code @Ghost}, and declared in an
         * instrumented class.
         */
        FieldVerdict field(TypePool pool, String owner, String name, String descriptor) {
            if (!options.instruments(owner.replace('/', '.'))) return FieldVerdict.NO_YIELD;
            return fields.computeIfAbsent(owner + '.' + name + ':' + descriptor,
                    k -> resolveField(pool, owner, name, descriptor));
        }

        /**
         * Whether a call of {@code owner.name descriptor} resolves (declared, superclasses, then
         * superinterfaces) to a method annotated {@code @SharedAccess}. Unresolvable: false.
         */
        boolean sharedAccess(TypePool pool, String owner, String name, String descriptor) {
            if (owner.startsWith("[") || name.equals("<init>") || isJdk(owner)) return false;
            return methods.computeIfAbsent(owner + '.' + name + descriptor,
                    k -> resolveSharedAccess(pool, owner, name, descriptor));
        }
    }

    private FieldVerdict resolveField(TypePool pool, String owner, String name, String descriptor) {
        try {
            TypePool.Resolution resolution = pool.describe(owner.replace('/', '.'));
            if (!resolution.isResolved()) return FieldVerdict.UNRESOLVED;
            FieldDescription field = findField(resolution.resolve(), name, descriptor, new HashSet<>());
            if (field == null) return FieldVerdict.UNRESOLVED;
            boolean shared = !field.isFinal() && !hasAnnotation(field.getDeclaredAnnotations(), GHOST)
                    && options.instruments(field.getDeclaringType().asErasure().getName());
            return shared ? FieldVerdict.YIELD : FieldVerdict.NO_YIELD;
        } catch (RuntimeException e) {  // a supertype's class file is missing: ByteBuddy throws lazily
            return FieldVerdict.UNRESOLVED;
        }
    }

    private static FieldDescription findField(TypeDescription type, String name, String descriptor,
                                              Set<String> seen) {
        if (!seen.add(type.getName())) return null;
        for (FieldDescription.InDefinedShape f : type.getDeclaredFields()) {
            if (f.getName().equals(name) && f.getDescriptor().equals(descriptor)) return f;
        }
        for (TypeDescription itf : type.getInterfaces().asErasures()) {
            FieldDescription f = findField(itf, name, descriptor, seen);
            if (f != null) return f;
        }
        TypeDescription.Generic superClass = type.getSuperClass();
        return superClass == null ? null : findField(superClass.asErasure(), name, descriptor, seen);
    }

    private static boolean resolveSharedAccess(TypePool pool, String owner, String name, String descriptor) {
        try {
            TypePool.Resolution resolution = pool.describe(owner.replace('/', '.'));
            if (!resolution.isResolved()) return false;
            MethodDescription method = findMethod(resolution.resolve(), name, descriptor);
            return method != null && isSharedAccess(method);
        } catch (RuntimeException e) {  // a supertype's class file is missing
            return false;
        }
    }

    /** The class and its superclasses first, then all superinterfaces breadth first. */
    private static MethodDescription findMethod(TypeDescription type, String name, String descriptor) {
        Deque<TypeDescription> interfaces = new ArrayDeque<>();
        for (TypeDefinition t = type; t != null; t = t.getSuperClass()) {
            MethodDescription m = declared(t.asErasure(), name, descriptor);
            if (m != null) return m;
            interfaces.addAll(t.getInterfaces().asErasures());
        }
        Set<String> seen = new HashSet<>();
        while (!interfaces.isEmpty()) {
            TypeDescription itf = interfaces.removeFirst();
            if (!seen.add(itf.getName())) continue;
            MethodDescription m = declared(itf, name, descriptor);
            if (m != null) return m;
            interfaces.addAll(itf.getInterfaces().asErasures());
        }
        return null;
    }

    private static MethodDescription declared(TypeDescription type, String name, String descriptor) {
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (m.getInternalName().equals(name) && m.getDescriptor().equals(descriptor)) return m;
        }
        return null;
    }

    private static boolean isSharedAccess(MethodDescription method) {
        return hasAnnotation(method.getDeclaredAnnotations(), SHARED_ACCESS);
    }

    private static boolean hasAnnotation(Iterable<AnnotationDescription> annotations, String name) {
        for (AnnotationDescription a : annotations) {
            try {
                if (a.getAnnotationType().getName().equals(name)) return true;
            } catch (RuntimeException e) {
                // another annotation whose class file is missing: not ours
            }
        }
        return false;
    }

    /** JDK classes cannot carry (or inherit) lazymm's annotation: skip the lookup. */
    private static boolean isJdk(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/")
                || internalName.startsWith("jdk/") || internalName.startsWith("sun/")
                || internalName.startsWith("com/sun/");
    }
}
