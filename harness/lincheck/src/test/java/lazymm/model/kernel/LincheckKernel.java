package lazymm.model.kernel;

import java.util.List;
import java.util.function.BooleanSupplier;
import kotlin.Unit;
import kotlin.jvm.functions.Function1;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.CustomScenarioDSLKt;
import lazymm.model.Catalog;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Config;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * A kernel of the model for Lincheck: the model's own classes, run by Lincheck's threads instead
 * of the explorer's continuations. Each operation of a test names the CPU it runs on
 * ({@link #on}); Lincheck's model checker chooses the interleavings, at every shared access it
 * sees, and each {@link Memory} access is one atomic step, as under the explorer (memory model
 * sc: Lincheck explores sequentially consistent executions only); a spinlock or
 * smp_cond_load_acquire waits with Lincheck free to run the others, then takes in one step.
 *
 * <p>Interrupts: a CPU that waits (a spinlock, csd_lock_wait) takes the interrupts pending for
 * itself when its interrupts are on, and delivers those pending for any other CPU that has its
 * interrupts on, on that CPU's behalf: Lincheck has stopped that CPU's thread between two of its
 * accesses, which is where the explorer delivers interrupts too. So an IPI sent by a flush or a
 * shootdown is taken while the sender waits for it, at a point of the target's path that
 * Lincheck chose.
 *
 * <p>Context switches have no stacks: switch_to() returns at once and the CPU runs
 * finish_task_switch() as the next task would; a test operation that switches ends there, and
 * the next operation on that CPU runs as the task it switched to.
 *
 * <p>What the machine leaves out: the explorer's tasks (an operation is one CPU's kernel path,
 * called directly), the weak memory modes, and interrupts that nobody waits
 * for (an IPI without wait is taken when some CPU next waits).
 */
final class LincheckKernel {

    private static final ThreadLocal<Integer> CPU = ThreadLocal.withInitial(() -> 0);

    /** The machine: smp_processor_id() is what the running operation said; a wait spins. */
    private static final class LincheckMachine implements Machine {
        private final int cpus;
        private final int choice;
        private Kernel k;
        /** What an operation threw ({@link #op}): the kernel is dead, and a CPU that waits stops. */
        private volatile RuntimeException died;
        /** The preemption a test supplies ({@link #preemption}); none if null. */
        private BooleanSupplier preemption;

        LincheckMachine(int cpus, int choice) {
            this.cpus = cpus;
            this.choice = choice;
        }

        @Override public int smpProcessorId() { return CPU.get(); }

        @Override public int nrCpus() { return cpus; }

        @Override
        public void await(BooleanSupplier cond, String what) {
            while (!cond.getAsBoolean()) {
                RuntimeException dead = died;
                if (dead != null) {  // e.g. the lock it waits for is held by an operation that threw
                    throw new IllegalStateException("cpu" + CPU.get() + " waits for " + what + " in a dead kernel: " + dead.getMessage());
                }
                int self = CPU.get();
                for (int c = 0; c < cpus; c++) {
                    if (k.interruptPending(c)) deliver(c, self);
                }
                Thread.onSpinWait();  // Lincheck sees the spin and switches
            }
        }

        /**
         * The interrupts of {@code cpu}, taken on its behalf by the thread of {@code self}: one
         * atomic step for Lincheck ({@link #options}), as the target CPU runs nothing else while
         * its handler runs.
         */
        void deliver(int cpu, int self) {
            CPU.set(cpu);  // the handler runs on the target CPU
            try {
                k.handleInterrupts(cpu);
            } finally {
                CPU.set(self);
            }
        }

        /**
         * The model's choices that are not interleavings (should_trim_cpumask()'s timer on x86)
         * take one fixed answer per test: Lincheck cannot branch on them. (Loads read the newest
         * store: the memory is sc. Tasks are not picked: operations name them.)
         */
        @Override public int choose(int n) { return Math.min(choice, n - 1); }

        /** No preemption, unless the test supplies one ({@link LincheckKernel#preemption}). */
        @Override public boolean preempt() { return preemption != null && preemption.getAsBoolean(); }

        @Override public String site() { return ""; }

        /** Tasks are not run here: their handles are never switched to. */
        @Override public Object newThread(String name, Runnable body) { return name; }

        /**
         * switch_to() without stacks: the CPU goes on with what follows the switch in the code
         * (finish_task_switch), as the next task would. The operation that switched ends there.
         */
        @Override
        public void switchTo(Object thread) {}
    }

    /**
     * The Memory methods that wait (spin until another CPU acts): not atomic, so that Lincheck can
     * run the others while one waits; each takes what it waited for in one atomic step after.
     */
    private static final java.util.Set<String> WAITING = java.util.Set.of(
            "spinLock", "spinLockBh", "spinLockIrq", "spinLockIrqsave", "lock", "smpCondLoadAcquire", "smpCondLoadRelaxed", "condLoad");

    final Kernel k;
    private final LincheckMachine machine;

    /** A kernel of {@code variant} on {@code cpus} CPUs, memory sc, with the tasks of {@code program} (may be empty). */
    LincheckKernel(String variant, int cpus, String program) { this(variant, cpus, program, 0); }

    /**
     * How many kernels were built: Lincheck builds a fresh test instance, so a fresh kernel, for
     * every invocation (and for each sequential run of the specification check), so this counts
     * invocations for the benchmark. A plain static that the test instance's constructor bumps
     * outside Lincheck's analysis (the runner builds the instance before it starts the threads),
     * so Lincheck's restore of static memory between invocations does not touch it.
     */
    static final java.util.concurrent.atomic.AtomicLong BUILT = new java.util.concurrent.atomic.AtomicLong();

    /** ... whose other choices all take answer {@code choice} (see {@link LincheckMachine#choose}). */
    LincheckKernel(String variant, int cpus, String program, int choice) {
        this(variant, null, cpus, program, choice);
    }

    /** ... on {@code arch} instead of the variant's own (null: its own), as explore {@code --arch}. */
    LincheckKernel(String variant, String arch, int cpus, String program, int choice) {
        BUILT.incrementAndGet();
        Config cfg = Catalog.variant(variant).defaults().withCpus(cpus).withMemory("sc");
        if (arch != null) cfg = cfg.withArch(arch);
        Program p = program.isEmpty() ? Program.of(List.of()) : Program.parse(program);
        LincheckMachine m = new LincheckMachine(cpus, choice);
        this.k = new Kernel(m, cfg, p);
        m.k = k;
        this.machine = m;
    }

    /**
     * {@code body} as an operation on {@code cpu}; if it throws (an oracle fired, a BUG), the
     * kernel is dead, as the explorer's execution ends there: a CPU that waits (for a lock the
     * dead operation held, say) then stops with an exception instead of spinning forever.
     */
    <T> T op(int cpu, java.util.function.Supplier<T> body) {
        on(cpu);
        try {
            return body.get();
        } catch (RuntimeException e) {
            machine.died = e;
            throw e;
        }
    }

    /** Some operation threw: the kernel is dead (an end-of-execution check has nothing to add). */
    boolean dead() { return machine.died != null; }

    /** ... without a result. */
    void op(int cpu, Runnable body) {
        op(cpu, () -> {
            body.run();
            return null;
        });
    }

    /**
     * The kernel's preemption points ({@link Kernel#preemptPoint}) ask {@code hook}, on the
     * preempted CPU's thread: it may switch the CPU away and back itself (a test has no stacks to
     * run {@code schedule()} on) and answers whether the model's own {@code schedule()} must run
     * (false: it has been done).
     */
    LincheckKernel preemption(BooleanSupplier hook) {
        machine.preemption = hook;
        return this;
    }

    /** The operation that follows runs on {@code cpu}. */
    LincheckKernel on(int cpu) {
        CPU.set(cpu);
        return this;
    }

    /**
     * A scenario written like an explore {@code --program}: one string per parallel thread, its
     * operations separated by spaces, each {@code name} or {@code name(int)} (e.g.
     * {@code "run1(1) run1(2) run1(1)"}). For a Broken twin whose bug needs more operations in one
     * order than Lincheck's random scenarios put together: Lincheck is given the program, as
     * explore is given {@code --program}, and must find the interleaving.
     */
    static ExecutionScenario scenario(Class<?> test, String... threads) {
        return CustomScenarioDSLKt.scenario(b -> {
            b.parallel(par -> {
                for (String thread : threads) {
                    par.thread(t -> {
                        for (String op : thread.trim().split("\\s+")) {
                            int open = op.indexOf('(');
                            String name = open < 0 ? op : op.substring(0, open);
                            try {
                                if (open < 0) {
                                    t.actor(ReflectJvmMapping.getKotlinFunction(test.getMethod(name)));
                                } else {
                                    int arg = Integer.parseInt(op.substring(open + 1, op.length() - 1));
                                    t.actor(ReflectJvmMapping.getKotlinFunction(test.getMethod(name, int.class)), arg);
                                }
                            } catch (NoSuchMethodException e) {
                                throw new IllegalArgumentException("no operation " + op + " in " + test.getSimpleName(), e);
                            }
                        }
                        return Unit.INSTANCE;
                    });
                }
                return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
        });
    }

    /**
     * What a rejection says, short: Lincheck's table of results (the operations and what each
     * returned or threw) and the model's reports, one line each; the full message has the
     * interleaving.
     */
    static String summary(Throwable e) {
        StringBuilder sb = new StringBuilder();
        List<String> lines = e.getMessage().lines().toList();
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("| -")) i++;
        for (; i < lines.size() && lines.get(i).startsWith("|"); i++) sb.append(lines.get(i)).append('\n');
        for (String l : lines) {
            if (l.matches("#\\d+: .*")) sb.append(l).append('\n');
        }
        return sb.toString();
    }

    /** java.util and its subpackages (collections, iterators, streams), but not java.util.concurrent. */
    static boolean isJdkCollection(String className) {
        // not java.util.function (Supplier.get, a BooleanSupplier: a call through one is the model's
        // own code, the operation body of LincheckKernel.op among them, which must stay interleaved)
        // nor java.util.stream (its lambdas are the model's code too)
        return className.startsWith("java.util.") && !className.startsWith("java.util.concurrent.")
                && !className.startsWith("java.util.function.") && !className.startsWith("java.util.stream.");
    }

    /**
     * The model's report in a rejection: its first {@code lazymm.model.sim.Violation} line, thrown
     * by an operation ({@code #1: lazymm.model.sim.Violation: message}) or by the validation
     * function ({@code #1: Kind:signature: message}, the Violation's toString), or null when
     * Lincheck rejected for something else (an exception of the harness, a wrong result).
     */
    static String violation(Throwable e) {
        return e.getMessage().lines()
                .filter(l -> l.matches("#\\d+: lazymm\\.model\\.sim\\.Violation: .*")
                        || l.matches("#\\d+: [A-Z][A-Za-z]+:\\S*: .*") && e.getMessage().contains("Validation function"))
                .findFirst().orElse(null);
    }

    /**
     * Lincheck's report of a rejection without its detailed trace: the results, the interleaving
     * that leads to the error (which thread ran which part of which operation, switch by switch),
     * and the exceptions' stack traces. (The detailed trace, every access, follows in the full
     * message.)
     */
    static String trace(Throwable e) {
        String m = e.getMessage();
        int cut = m.indexOf("Detailed trace:");
        return cut < 0 ? m : m.substring(0, cut);
    }

    /**
     * Model checking as every test here runs it: each {@link Memory} method is one atomic step (the
     * explorer's granularity), the given sequential specification, and a fixed budget.
     */
    static ModelCheckingOptions options(Class<?> spec, int iterations, int invocations) {
        return new ModelCheckingOptions()
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(Memory.class.getName())
                        .methods((Function1<String, Boolean>) name -> !WAITING.contains(name)).treatAsAtomic())
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses((Function1<String, Boolean>) c -> c.endsWith("LincheckMachine"))
                        .methods("deliver").treatAsAtomic())
                // the model's oracles look at a whole state at once, between two steps, as under the explorer
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(Oracles.class.getName()).allMethods().treatAsAtomic())
                // the variant's configuration (KConfig.has(Patch) and the declarations it reads): a
                // question about the kernel being run, not a shared access; the explorer never yields
                // inside it
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(KConfig.class.getName(), KernelVariant.class.getName(),
                        Patch.class.getName(), Release.class.getName(), Variants.class.getName()).allMethods().treatAsAtomic())
                // the kernel's allocations of new objects with their ghost numbers (page frame, pid, mm
                // ordinals): one step, as under the explorer, where they have no yield
                // point. Lincheck once switched inside newPage between pages.size() and pages.add(), so
                // two CPUs' pages got one pfn and the TLB oracle saw a false StaleTlb on upstream.
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(Kernel.class.getName())
                        .methods("newPage", "newTask", "newMm").treatAsAtomic())
                // (not pte_alloc_one: s390's before 6.8 is the fragment allocator, whose lock and atomics
                // are steps; a page table's ordinal only names it)
                // lockdep's irq-state bookkeeping (ghost state, checked as the lock is taken): one step
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(Lockdep.class.getName()).allMethods().treatAsAtomic())
                // the arm64 and powerpc TLBs (hardware: ghost fields and the walker's peekLatest, no shared
                // access the explorer yields at): a translation, a walk, an invalidation is one step, as there.
                // (x86's Mmu is not: its walker's readOnce are steps under the explorer too.)
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(Arm64Tlb.class.getName(), RadixTlb.class.getName())
                        .allMethods().treatAsAtomic())
                // the JDK's collections, which the model keeps its bookkeeping in (Kernel.pages, lockdep's
                // classes, the TLBs' entries): one step each, as under the explorer, whose agent never puts a
                // yield point inside the JDK. Not java.util.concurrent: the model uses none of it.
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses((Function1<String, Boolean>) LincheckKernel::isJdkCollection)
                        .allMethods().treatAsAtomic())
                .sequentialSpecification(spec)
                .iterations(iterations)
                .invocationsPerIteration(invocations);
    }

    /**
     * ... with the named methods of {@code model} each one atomic step too: the ghost bookkeeping
     * (plain Java lists of the model) that the explorer runs between two Memory steps, never
     * interleaved with another CPU's, and code that the kernel runs with interrupts off.
     */
    static ModelCheckingOptions atomic(ModelCheckingOptions options, Class<?> model, String... methods) {
        java.util.Set<String> names = java.util.Set.of(methods);
        return options.addGuarantee(ManagedStrategyGuaranteeKt.forClasses(model.getName())
                .methods((Function1<String, Boolean>) names::contains).treatAsAtomic());
    }
}
