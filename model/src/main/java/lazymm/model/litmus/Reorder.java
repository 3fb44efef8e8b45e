package lazymm.model.litmus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lazymm.model.litmus.Ast.Call;
import lazymm.model.litmus.Ast.Expr;
import lazymm.model.litmus.Ast.Stmt;

/**
 * The program orders of one process body that LKMM's preserved program order allows to run in:
 * how the weak mode shows load buffering (LB, S: a load ordered after a later store of its own
 * CPU), which its views alone cannot (a load never reads a store its CPU has not made yet).
 *
 * <p>A statement that only stores with a marked relaxed store ({@code WRITE_ONCE},
 * {@code atomic_set}) may move before the statement just before it when that one only loads
 * with marked relaxed loads ({@code READ_ONCE}, {@code atomic_read}), only stores so, or only
 * computes registers, and: every location of both is known statically and the store's location
 * is not among them (no po-loc), and the store's operands read no register the other one
 * writes (no data dependency). Anything else stays in place and nothing moves past it: if (a
 * control dependency), barriers, acquires, releases, RMWs, locks, RCU, plain accesses (the
 * compiler may do more with them, LKMM flags their races) and accesses through a register. Such
 * a swap is LKMM-sound: the two accesses are unrelated by ppo, and every fence, dependency and
 * po-loc edge with the other accesses is the same before and after it. The orders are all those
 * reachable by such swaps from the program's own, which comes first; at most {@link #MAX}.
 */
final class Reorder {

    /** The most orders of one process kept (a bound on the search, not on soundness). */
    static final int MAX = 64;

    private Reorder() {}

    /** What one top-level statement does, as far as reordering is concerned. */
    private record Info(boolean local, boolean loadsOnly, int store, Set<Integer> locs, Set<Integer> reads, int writes) {}

    /** The orders of {@code body}, the program's own first. */
    static List<List<Stmt>> orders(List<Stmt> body) {
        int n = body.size();
        Info[] info = new Info[n];
        for (int i = 0; i < n; i++) info[i] = info(body.get(i));
        int[] start = new int[n];
        for (int i = 0; i < n; i++) start[i] = i;
        List<int[]> found = new ArrayList<>();
        Set<List<Integer>> seen = new HashSet<>();
        ArrayDeque<int[]> todo = new ArrayDeque<>();
        todo.add(start);
        seen.add(key(start));
        while (!todo.isEmpty() && found.size() < MAX) {
            int[] o = todo.poll();
            found.add(o);
            for (int i = 0; i + 1 < n; i++) {
                if (!canMoveBefore(info[o[i + 1]], info[o[i]])) continue;
                int[] m = o.clone();
                m[i] = o[i + 1];
                m[i + 1] = o[i];
                if (seen.add(key(m))) todo.add(m);
            }
        }
        List<List<Stmt>> out = new ArrayList<>();
        for (int[] o : found) {
            List<Stmt> l = new ArrayList<>();
            for (int i : o) l.add(body.get(i));
            out.add(List.copyOf(l));
        }
        return List.copyOf(out);
    }

    private static List<Integer> key(int[] o) { return Arrays.stream(o).boxed().toList(); }

    /** Whether store statement {@code s} may run before {@code before}, the statement just before it. */
    private static boolean canMoveBefore(Info s, Info before) {
        if (s.store < 0 || s.locs == null || before.locs == null) return false;
        if (!(before.local || before.loadsOnly || before.store >= 0)) return false;
        if (before.locs.contains(s.store)) return false;
        return before.writes < 0 || !s.reads.contains(before.writes);
    }

    private static Info info(Stmt s) {
        Set<Integer> reads = new HashSet<>();
        Set<Integer> locs = new HashSet<>();
        List<Call> calls = new ArrayList<>();
        int writes = -1;
        Expr e;
        switch (s) {
            case Ast.Assign a -> {
                writes = a.reg();
                e = a.value();
            }
            case Ast.Eval ev -> e = ev.expr();
            default -> {
                return new Info(false, false, -1, null, reads, -1);
            }
        }
        boolean staticLocs = scan(e, reads, locs, calls);
        if (!staticLocs) return new Info(false, false, -1, null, reads, writes);
        if (calls.isEmpty()) return new Info(true, false, -1, locs, reads, writes);
        boolean loads = true;
        for (Call c : calls) {
            if (c.prim() != Prim.READ_ONCE && c.prim() != Prim.ATOMIC_READ) loads = false;
        }
        if (loads) return new Info(false, true, -1, locs, reads, writes);
        if (writes < 0 && calls.size() == 1 && e == calls.get(0)
                && (calls.get(0).prim() == Prim.WRITE_ONCE || calls.get(0).prim() == Prim.ATOMIC_SET)) {
            return new Info(false, false, loc(calls.get(0)), locs, reads, writes);
        }
        return new Info(false, false, -1, locs, reads, writes);
    }

    private static int loc(Call c) { return (int) (((Ast.Num) c.loc()).value() - Ast.ADDR); }

    /** Collects registers read, locations and calls; false if a call's location is not a constant. */
    private static boolean scan(Expr e, Set<Integer> reads, Set<Integer> locs, List<Call> calls) {
        if (e == null) return true;
        return switch (e) {
            case Ast.Num n -> true;
            case Ast.Reg r -> reads.add(r.index()) || true;
            case Ast.Unary u -> scan(u.operand(), reads, locs, calls);
            case Ast.Binary b -> scan(b.left(), reads, locs, calls) & scan(b.right(), reads, locs, calls);
            case Call c -> {
                calls.add(c);
                if (c.loc() != null) {
                    if (!(c.loc() instanceof Ast.Num n) || !Ast.isAddr(n.value())) yield false;
                    locs.add((int) (n.value() - Ast.ADDR));
                }
                yield scan(c.a(), reads, locs, calls) & scan(c.b(), reads, locs, calls);
            }
        };
    }
}
