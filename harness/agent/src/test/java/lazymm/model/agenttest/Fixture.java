package lazymm.model.agenttest;

import lazymm.model.agenttest.infra.Helper;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.Memory;
import lazymm.model.sim.SequentialMachine;
import lazymm.other.Outside;

/**
 * The main fixture: each method's comment says how many yield points it must get. AgentTest
 * keeps {@link #EXPECTED_YIELD_POINTS} in step. Editing lines here changes site line numbers;
 * the tests compute the lines they check, they do not hard-code them.
 */
public class Fixture extends Base {

    /** Total over all methods of this class (the lambda body included). */
    public static final int EXPECTED_YIELD_POINTS = 1 + 2 + 2 + 0 + 1 + 3 + 4 + 1 + 1 + 0 + 0 + 2 + 1 + 1;

    static final int CONSTANT = 7;                     // compile-time constant: no field access at all
    static final Object STATIC_FINAL = new Object();   // static final: GETSTATIC, never yields
    static int staticCounter;                          // yields
    final int finalField;                              // never yields
    int plain;                                         // yields
    @lazymm.model.sim.Ghost int ghost;                 // bookkeeping: never yields

    final Memory mem = new Memory(new SequentialMachine(1));
    final IntVar v = mem.intVar("v", 0);
    final Api api = new Api();
    final SubApi sub = new SubApi();
    final Port port = new PortImpl();
    final IntCell cell = new IntCell();
    final Helper helper = new Helper();
    final Outside outside = new Outside();

    static {
        staticCounter = 5;                             // <clinit>: never yields
    }

    public Fixture() {
        plain = 1;                                     // <init>: never yields
        finalField = 2;
        staticCounter++;
        baseField = plain;
        mem.atomicInc(v);
    }

    /** 1: read plain. */
    public int readPlain() { return plain; }

    /** 2: read plain, write plain. */
    public void incPlain() { plain++; }

    /** 2: read staticCounter, write staticCounter. */
    public static void incStatic() { staticCounter++; }

    /** 0: finals, a constant, and an un-annotated JDK call. */
    public int readFinals() { return finalField + CONSTANT + STATIC_FINAL.hashCode() + baseFinal + Port.LIMIT; }

    /** 1: read baseField (inherited from Base). */
    public int readInherited() { return baseField; }

    /** 3: atomicInc, readOnce, smpMb (the real memory API); peek() and intVar() are not accesses. */
    public int memoryCalls() {
        mem.atomicInc(v);
        int r = mem.readOnce(v);
        mem.smpMb();
        return r + v.peek();
    }

    /** 4: access, access through a subclass, poke through the interface, staticAccess; notShared no. */
    public void apiCalls() {
        api.access();
        sub.access();
        port.poke();
        Api.staticAccess();
        api.notShared();
    }

    /** 1: super.baseAccess() is an INVOKESPECIAL of an annotated method. */
    @Override
    public void baseAccess() { super.baseAccess(); }

    /** 1: load() through IntCell resolves to the annotated method. */
    public int cellDirect() { return cell.load(); }

    /** 0: through Cell it resolves to the un-annotated abstract method. */
    public Object cellViaBase() { Cell<Integer> c = cell; return c.load(); }

    /** 0: fields of an excluded class and of a class outside the include prefixes. */
    public int foreignFields() {
        helper.value = 1;
        Helper.shared++;
        outside.value = 2;
        Outside.counter++;
        return helper.value + outside.bump();
    }

    /** 0 here; 2 in the lambda body (read plain, write plain). */
    public void viaLambda() {
        Runnable r = () -> plain++;
        r.run();
    }

    /** 0: a @Ghost field is bookkeeping, not kernel state. */
    public void ghostAccess() { ghost++; }

    /** 1: read plain; returns {value, this source line}. */
    public int[] siteProbe() { return new int[] {plain, new Throwable().getStackTrace()[0].getLineNumber()}; }

    /** 1: call probe; returns this source line. */
    public int callProbe() { api.access(); return new Throwable().getStackTrace()[0].getLineNumber(); }
}
