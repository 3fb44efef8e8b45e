package lazymm.model.kernel;

import java.util.List;
import lazymm.model.Catalog;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.RefVar;
import lazymm.model.sim.Config;
import lazymm.model.sim.Ghost;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Target;

/**
 * Test fixture: smp_call_function_single() of the kernel model ({@link Smp}) on a booted kernel
 * whose CPUs run no tasks: cpu0's boot thread makes one call to cpu1 (or itself) and reads what
 * the function wrote; the other CPUs spin with interrupts on until it is done, and take the IPI
 * there. The function writes {@code data} (WRITE_ONCE), then {@code flag} (WRITE_ONCE, or
 * smp_store_release), and notes the CPU it ran on and whether its interrupts were off.
 * Scenarios (the single op of cpu0's program):
 * <ul>
 *   <li>{@code wait}, {@code nowait}: call cpu1 with and without wait, then READ_ONCE(data);</li>
 *   <li>{@code nowait-relaxed}: without wait, then smp_cond_load_relaxed(&amp;flag, VAL), then
 *       READ_ONCE(data): nothing orders the two loads (the Broken one);</li>
 *   <li>{@code nowait-acquire}: the function publishes with smp_store_release and the caller
 *       waits with smp_cond_load_acquire;</li>
 *   <li>{@code nowait-ptr}: the function publishes a pointer with smp_store_release, the caller
 *       waits with smp_cond_load_acquire on the pointer;</li>
 *   <li>{@code self}: call cpu0 itself; {@code offline}: cpu1 is marked offline first;
 *       {@code bad}: a CPU number past nr_cpu_ids;</li>
 *   <li>{@code two}: a call to cpu1 whose function waits for a flag, a second call made while
 *       it waits, then the flag set; each function notes which of cpu1's interrupt entries ran
 *       it: a call queued while a flush runs must wait for an entry of its own
 *       (llist_del_all() takes only what was queued).</li>
 * </ul>
 *
 * <p>Its callers and functions stand for code in an instrumented file that calls kernel/smp.c.
 */
@KernelFile("kernel/smp.c")
public final class SmpCallSingle implements Target {

    @Override public String id() { return "smp-call-single"; }

    @Override public int modelVersion() { return 1; }

    @Override
    public Instance create(Machine m, Config cfg, Program p) {
        Config kcfg = Catalog.variant("upstream").defaults().withCpus(cfg.cpus()).withMemory(cfg.memory());
        return new Run(new Kernel(m, kcfg, Program.of(List.of())), p);
    }

    /** One execution; what it saw, for the test. */
    public static final class Run implements Instance {
        private final Kernel k;
        private final Program p;
        private final IntVar data;
        private final IntVar flag;
        private final RefVar<String> ptr;
        @Ghost private boolean done;
        /** smp_call_function_single()'s return, the value read after it, where func ran, whether with interrupts off. */
        @Ghost public int ret = Integer.MIN_VALUE;
        @Ghost public int seen = -1;
        @Ghost public int ranOn = -1;
        @Ghost public boolean ranIrqsOff;
        /** Scenario two: cpu1's interrupt entries so far, the entry that ran each call, and whether the first ran when the second was made. */
        @Ghost public int entries;
        @Ghost public int entryOfFirst = -1;
        @Ghost public int entryOfSecond = -1;
        @Ghost private boolean firstRunning;
        @Ghost public boolean secondMadeWhileFirstRan;
        /** cpu1 entered an interrupt while its interrupts were off. */
        @Ghost public boolean enteredIrqsOff;

        Run(Kernel k, Program p) {
            this.k = k;
            this.p = p;
            this.data = k.mem.intVar("data", 0);
            this.flag = k.mem.intVar("flag", 0);
            this.ptr = k.mem.refVar("ptr", null);
        }

        @Override public int cpus() { return k.cpus(); }

        @Override
        public void cpu(int cpu) {
            if (cpu != 0) {
                k.m.await(() -> done, "cpu0 to finish");
                return;
            }
            String op = p.ops(0).get(0);
            boolean release = op.equals("nowait-acquire");
            Runnable func = () -> {
                ranOn = k.smpProcessorId();
                ranIrqsOff = k.irqsDisabled();
                k.mem.writeOnce(data, 1);
                if (release) {
                    k.mem.smpStoreRelease(flag, 1);  // pairs with: the caller's smp_cond_load_acquire
                } else if (op.equals("nowait-ptr")) {
                    k.mem.smpStoreRelease(ptr, "published");  // pairs with: the caller's smp_cond_load_acquire
                } else {
                    k.mem.writeOnce(flag, 1);
                }
            };
            switch (op) {
                case "wait" -> ret = k.smp.smpCallFunctionSingle(1, func, true, "func");
                case "self" -> ret = k.smp.smpCallFunctionSingle(0, func, true, "func");
                case "bad" -> ret = k.smp.smpCallFunctionSingle(k.cpus(), func, true, "func");
                case "offline" -> {
                    k.mem.writeOnce(k.cpuOnlineMask, 1);
                    ret = k.smp.smpCallFunctionSingle(1, func, true, "func");
                }
                case "nowait" -> ret = k.smp.smpCallFunctionSingle(1, func, false, "func");
                case "nowait-relaxed" -> {
                    ret = k.smp.smpCallFunctionSingle(1, func, false, "func");
                    k.mem.smpCondLoadRelaxed(flag, v -> v == 1, "flag");
                }
                case "nowait-acquire" -> {
                    ret = k.smp.smpCallFunctionSingle(1, func, false, "func");
                    k.mem.smpCondLoadAcquire(flag, v -> v == 1, "flag");  // pairs with: func's smp_store_release
                }
                case "nowait-ptr" -> {
                    ret = k.smp.smpCallFunctionSingle(1, func, false, "func");
                    k.mem.smpCondLoadAcquire(ptr, v -> v != null, "ptr");  // pairs with: func's smp_store_release
                }
                case "two" -> {
                    Runnable first = () -> {
                        entryOfFirst = entries;
                        firstRunning = true;
                        k.mem.smpCondLoadAcquire(flag, v -> v == 1, "go");  // pairs with: cpu0's smp_store_release
                        firstRunning = false;
                    };
                    k.smp.smpCallFunctionSingle(1, first, false, "first");
                    k.m.await(() -> firstRunning, "the first call to run");
                    secondMadeWhileFirstRan = true;
                    ret = k.smp.smpCallFunctionSingle(1, () -> entryOfSecond = entries, false, "second");
                    k.mem.smpStoreRelease(flag, 1);
                    k.m.await(() -> entryOfSecond >= 0, "the second call to run");
                }
                default -> throw new IllegalArgumentException(op);
            }
            seen = k.mem.readOnce(data);
            done = true;
        }

        @Override public int extraActions(int[] out, int off) { return k.extraActions(out, off); }

        @Override public void perform(int action) { k.perform(action); }

        @Override public String label(int action) { return k.label(action); }

        @Override public boolean interruptPending(int cpu) { return k.interruptPending(cpu); }

        @Override public String interruptName(int cpu) { return k.interruptName(cpu); }

        @Override public void handleInterrupts(int cpu) {
            if (cpu == 1) {
                entries++;
                if (k.irqsDisabled()) enteredIrqsOff = true;
            }
            k.handleInterrupts(cpu);
        }
    }
}
