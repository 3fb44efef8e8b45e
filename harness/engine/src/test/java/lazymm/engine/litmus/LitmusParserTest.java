package lazymm.engine.litmus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import lazymm.model.litmus.Ast;
import lazymm.model.litmus.LitmusError;
import lazymm.model.litmus.LitmusParser;
import lazymm.model.litmus.LitmusTest;
import lazymm.model.litmus.Prim;
import org.junit.jupiter.api.Test;

/** The forms of the kernel's litmus tests the parser accepts, each in a test of its own words. */
class LitmusParserTest {

    private static LitmusTest parse(String text) { return LitmusParser.parse("t.litmus", text); }

    private static List<Ast.Stmt> body(LitmusTest t, int p) { return t.processes().get(p).body(); }

    private static Ast.Location loc(LitmusTest t, String name) {
        return t.locations().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aCastToVoidOfAnRmwIsAStatementOfThatRmw() {
        LitmusTest t = parse("""
                C cast
                { atomic_t n = ATOMIC_INIT(1); }
                P0(atomic_t *n) { (void)atomic_add_unless(n, 1, 0); (void) atomic_inc_return(n); }
                exists (n=2)
                """);
        List<Ast.Stmt> b = body(t, 0);
        assertEquals(2, b.size());
        Ast.Call c = assertInstanceOf(Ast.Call.class, assertInstanceOf(Ast.Eval.class, b.get(0)).expr());
        assertEquals(Prim.ATOMIC_ADD_UNLESS, c.prim());
        assertEquals(Prim.ATOMIC_INC_RETURN, ((Ast.Call) ((Ast.Eval) b.get(1)).expr()).prim());
    }

    @Test
    void aCastOfAValueChangesNothingAndAVoidValueIsAnError() {
        LitmusTest t = parse("""
                C cast2
                {}
                P0(int *x) { int r; r = (int)READ_ONCE(*x) + (unsigned long)2; WRITE_ONCE(*x, (int)r); }
                exists (0:r=2)
                """);
        Ast.Assign a = assertInstanceOf(Ast.Assign.class, body(t, 0).get(0));
        Ast.Binary sum = assertInstanceOf(Ast.Binary.class, a.value());
        assertInstanceOf(Ast.Call.class, sum.left());
        assertEquals(2, assertInstanceOf(Ast.Num.class, sum.right()).value());
        LitmusError e = assertThrows(LitmusError.class, () -> parse("""
                C cast3
                {}
                P0(int *x) { int r; r = (void)READ_ONCE(*x); }
                exists (0:r=2)
                """));
        assertTrue(e.getMessage().startsWith("t.litmus:3:25: a cast to void has no value"), e.getMessage());
    }

    @Test
    void aPointerMayNameItsTargetBeforeTheTargetIsDeclared() {
        LitmusTest t = parse("""
                C ptrfirst
                { int *head=obj; int other; int obj=4; }
                P0(int **head, int *obj) { int *p; int v; p = READ_ONCE(*head); v = READ_ONCE(*p); }
                exists (0:v=4)
                """);
        assertEquals(Ast.Kind.PTR, loc(t, "head").kind());
        assertEquals(Ast.Kind.INT, loc(t, "obj").kind());
        assertEquals(4, loc(t, "obj").init());
        assertEquals("obj", t.show(loc(t, "head").init()));
    }

    @Test
    void anAddressInitialiserAndPointerParametersAreAccepted() {
        LitmusTest t = parse("""
                C ptramp
                { int a = 1; int *q = &a; int b = 1; }
                P0(int *a, int *b, int **q) { int *r; rcu_assign_pointer(*q, b); r = rcu_dereference(*q); }
                exists (0:r=b)
                """);
        assertEquals(Ast.Kind.PTR, loc(t, "q").kind());
        assertEquals("a", t.show(loc(t, "q").init()));
    }

    @Test
    void aLocationDeclaredTwiceIsStillAnError() {
        LitmusError e = assertThrows(LitmusError.class, () -> parse("""
                C twice
                { int *p=y; int y=0; int y=1; }
                P0(int *y) { WRITE_ONCE(*y, 1); }
                exists (y=1)
                """));
        assertTrue(e.getMessage().contains("location y is initialised twice"), e.getMessage());
    }

    @Test
    void rcuReadSideAndGracePeriodAreBarriersWithoutALocation() {
        LitmusTest t = parse("""
                C rcu
                {}
                P0(int *x) { int r; rcu_read_lock(); r = READ_ONCE(*x); rcu_read_unlock(); }
                P1(int *x) { WRITE_ONCE(*x, 1); synchronize_rcu(); }
                exists (0:r=1)
                """);
        List<Prim> p0 = body(t, 0).stream().map(LitmusParserTest::prim).toList();
        assertEquals(List.of(Prim.RCU_READ_LOCK, Prim.READ_ONCE, Prim.RCU_READ_UNLOCK), p0);
        assertEquals(Prim.SYNCHRONIZE_RCU, prim(body(t, 1).get(1)));
        LitmusError e = assertThrows(LitmusError.class, () -> parse("""
                C srcu
                {}
                P0(int *x) { srcu_read_lock(x); }
                exists (x=0)
                """));
        assertTrue(e.getMessage().contains("unsupported: srcu_read_lock()"), e.getMessage());
    }

    private static Prim prim(Ast.Stmt s) {
        Ast.Expr e = s instanceof Ast.Assign a ? a.value() : ((Ast.Eval) s).expr();
        return ((Ast.Call) e).prim();
    }
}
