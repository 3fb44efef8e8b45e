package lazymm.example;

import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;
import lazymm.model.sim.Program;
import lazymm.model.sim.Violation;

/**
 * Example 2, the refcount drop: an object starts with one reference per CPU; each CPU uses it
 * and drops its reference, and the last drop frees it (the shape of mmdrop / __mmdrop).
 *
 * <p>The broken {@code put} decrements and then tests with a separate load:
 * <pre>
 *   atomic_dec(&amp;obj-&gt;ref);
 *   if (atomic_read(&amp;obj-&gt;ref) == 0)   // another CPU's decrement may land in between
 *       free(obj);
 * </pre>
 * Two CPUs can both see 0 and free it twice. The fixed {@code put} is
 * {@code if (atomic_dec_and_test(&amp;obj-&gt;ref)) free(obj);}.
 *
 * <p>Oracles, as KASAN and kmemleak would say: {@code DoubleFree}, {@code UseAfterFree} (a
 * {@code use} of the freed object), and {@code Leak} (not freed at the end).
 */
public final class RefcountDrop implements Instance {

    private final Program program;
    private final Memory mem;
    private final boolean fixed;

    private final IntVar ref;
    private final IntVar data;
    /** How many times free() ran: a plain field, so its accesses are yield points too. */
    private int frees;

    RefcountDrop(Machine machine, String memory, Program program, boolean fixed) {
        this.program = program;
        this.mem = new Memory(machine, memory, false);
        this.fixed = fixed;
        this.ref = mem.intVar("obj#1.ref", program.cpus());
        this.data = mem.intVar("obj#1.data", 0);
    }

    @Override public int cpus() { return program.cpus(); }

    @Override public int extraActions(int[] out, int off) { return mem.extraActions(out, off); }

    @Override public void perform(int action) { mem.perform(action); }

    @Override public String label(int action) { return mem.label(action); }

    @Override
    public void cpu(int cpu) {
        for (String op : program.ops(cpu)) {
            switch (op) {
                case "get" -> objGet();
                case "use" -> objUse(cpu);
                case "put" -> objPut(cpu);
                default -> throw new IllegalStateException("unknown op " + op);
            }
        }
    }

    void objGet() { mem.atomicInc(ref); }

    void objUse(int cpu) {
        if (frees > 0) {
            throw new Violation("UseAfterFree", "obj_use",
                    "cpu" + cpu + " uses obj#1 after it was freed");
        }
        mem.writeOnce(data, mem.readOnce(data) + 1);
    }

    void objPut(int cpu) {
        if (fixed) {
            if (mem.atomicDecAndTest(ref)) objFree(cpu);
        } else {
            mem.atomicDec(ref);               // BROKEN: example-refcount-drop: decrement and test
            if (mem.readOnce(ref) == 0) {     // are two accesses; both CPUs may see 0
                objFree(cpu);
            }
        }
    }

    private void objFree(int cpu) {
        if (frees > 0) {
            throw new Violation("DoubleFree", "obj_put",
                    "cpu" + cpu + " frees obj#1, which was already freed");
        }
        frees = frees + 1;
    }

    @Override
    public void checkFinal() {
        if (frees == 0) {
            throw new Violation("Leak", "obj_put",
                    "obj#1 is never freed; its refcount is " + ref.peek());
        }
    }
}
