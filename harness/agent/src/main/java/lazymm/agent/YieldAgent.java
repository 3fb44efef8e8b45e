package lazymm.agent;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.stream.Stream;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * The java agent: puts a yield point ({@code lazymm.rt.Yield.point(site)}) before every shared
 * access of the model classes, as they load.
 *
 * <p>Use: {@code -javaagent:lazymm-agent.jar[=include=a.,b.;exclude=c.;verbose]} (see
 * {@link AgentOptions}). Only classes loaded after installation are instrumented (no
 * retransformation), so the model classes must not be loaded before premain; attaching later
 * through {@link #agentmain} covers only classes not yet loaded. The hook class
 * {@code lazymm.rt.Yield} must be visible from the model classes' loader when they run.
 *
 * <p>For code that wants to instrument without an installed agent (tests, offline checks):
 * {@link #transformer(AgentOptions)} and {@link YieldPoints}.
 */
public final class YieldAgent {

    private YieldAgent() {}

    /** Entry point for {@code -javaagent}; bad arguments throw, which fails the JVM start. */
    public static void premain(String args, Instrumentation inst) {
        install(AgentOptions.parse(args), inst);
    }

    /** Entry point for a dynamic attach: instruments only the classes loaded from now on. */
    public static void agentmain(String args, Instrumentation inst) {
        install(AgentOptions.parse(args), inst);
    }

    /** Registers the transformer with the instrumentation; returns it (e.g. to remove it later). */
    public static ClassFileTransformer install(AgentOptions options, Instrumentation inst) {
        if (options.verbose()) {
            System.err.println("lazymm-agent: installing, include=" + options.include()
                    + " exclude=" + options.exclude());
        }
        return builder(options).installOn(inst);
    }

    /**
     * A transformer with the agent's behaviour that is not registered anywhere: call its
     * {@code transform(loader, internalName, null, null, bytes)} to get the instrumented bytes, or
     * {@code null} when the class is not instrumented. Field finality and annotations are read from
     * the class files that {@code loader} finds as resources. Each transformer has its own caches.
     * A class that cannot be instrumented is reported on stderr, then the call throws
     * {@link IllegalStateException} (a JVM ignores that and loads the class unchanged).
     */
    public static ClassFileTransformer transformer(AgentOptions options) {
        return builder(options).makeRaw();
    }

    /**
     * ByteBuddy's switch (relocated with it by the shade plugin, like this string) that stops the
     * AgentBuilder from injecting its Nexus class into the system class loader through
     * sun.misc.Unsafe: we initialize nothing (InitializationStrategy.NoOp), and on JDK 24+ that
     * injection prints Unsafe deprecation warnings at every start.
     */
    private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

    private static AgentBuilder builder(AgentOptions options) {
        // The one global side effect: a system property read once, by ByteBuddy's own copy.
        if (System.getProperty(NEXUS_DISABLED) == null) System.setProperty(NEXUS_DISABLED, "true");
        AccessResolver resolver = new AccessResolver(options);
        return new AgentBuilder.Default()
                // Already the default; explicit because correctness depends on it: the model classes
                // must be instrumented as they first load, never by redefinition of loaded classes.
                .with(AgentBuilder.RedefinitionStrategy.DISABLED)
                // Not the default (REBASE): we only rewrite method bodies through an ASM visitor, and
                // DECORATE keeps the class as it is otherwise (no renamed originals, no added members).
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                // Not the default (self-injection, which can add a static initializer hook): nothing
                // here needs initializing, and the model must run no agent code in <clinit>.
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                // Not the default (silent): errors always reach stderr, or a model class would run
                // without its yield points and the checker would silently explore too little.
                .with(new Reporter(options.verbose()))
                .type(typeMatcher(options))
                .transform((builder, type, loader, module, domain) -> builder.visit(
                        new AsmVisitorWrapper.ForDeclaredMethods()
                                // methods only (not <init>, not <clinit>), and not bridges, whose
                                // target method has the yield points already
                                .method(not(isBridge()),
                                        (t, method, visitor, context, pool, wf, rf) -> new YieldPointInserter(
                                                visitor, resolver.scope(loader), pool, options.verbose(),
                                                t.getName(), method.getInternalName()))));
    }

    /** {@code nameStartsWith} any include prefix, and no exclude or always-excluded prefix. */
    static ElementMatcher.Junction<TypeDescription> typeMatcher(AgentOptions options) {
        ElementMatcher.Junction<TypeDescription> included = none();
        for (String prefix : options.include()) {
            included = included.or(nameStartsWith(prefix));
        }
        ElementMatcher.Junction<TypeDescription> matcher = included;
        for (String prefix : Stream.concat(options.exclude().stream(), AgentOptions.ALWAYS_EXCLUDED.stream()).toList()) {
            matcher = matcher.and(not(nameStartsWith(prefix)));
        }
        return matcher;
    }

    /** Prints failures always, and each instrumented class with {@code verbose}. */
    private static final class Reporter extends AgentBuilder.Listener.Adapter {
        private final boolean verbose;

        Reporter(boolean verbose) { this.verbose = verbose; }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            if (verbose) {
                System.err.println("lazymm-agent: instrumented " + type.getName() + " ("
                        + YieldPoints.count(dynamicType.getBytes()) + " yield points)");
            }
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            System.err.println("lazymm-agent: failed to instrument " + typeName + ": " + error);
            if (verbose) error.printStackTrace();
        }
    }
}
