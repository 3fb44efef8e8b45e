package lazymm.model.litmus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lazymm.model.litmus.Ast.Key;
import lazymm.model.litmus.Ast.Pos;
import lazymm.model.litmus.Ast.Prop;
import lazymm.model.litmus.Ast.Quantifier;
import lazymm.model.litmus.Lexer.T;
import lazymm.model.litmus.Lexer.Token;

/**
 * Parses herd7's final clause: an optional {@code locations [x; 0:r1;]} (extra values to show),
 * an optional {@code filter P} (final states that do not satisfy P are dropped), then
 * {@code exists P}, {@code ~exists P} or {@code forall P}. Propositions: {@code /\ \/ ~ =>},
 * parentheses, {@code true}, {@code false}, and atoms {@code 0:r0=1} (a register of a process)
 * or {@code x=1} (the final value of a location), with {@code =}, {@code ==} or {@code !=}; a
 * value is an integer or a location name (its address, for pointers).
 *
 * <p>The keys of the final state are every register and location named in the clause: the
 * registers by process and name, then the locations by name.
 *
 * <p>Left out: herd7's {@code cases}, the {@code with} and {@code ..} forms, and arrays.
 */
final class FinalParser {

    private final LitmusParser ps;
    private final Lexer lx;
    private final List<BodyParser.Proc> procs;
    /** Keys in the order first named (ids in the provisional atoms). */
    private final Map<String, Key> named = new LinkedHashMap<>();
    private List<Key> keys;
    private Prop filter;
    private Quantifier quantifier;
    private Prop condition;
    private String text;
    /** Where the last token of the clause ends (an offset into the source). */
    private int lastEnd;

    FinalParser(LitmusParser ps, List<BodyParser.Proc> procs) {
        this.ps = ps;
        this.lx = ps.lx;
        this.procs = procs;
    }

    List<Key> keys() { return keys; }

    Prop filter() { return filter; }

    Quantifier quantifier() { return quantifier; }

    Prop condition() { return condition; }

    String text() { return text; }

    void parse() {
        Prop f = null;
        while (true) {
            if (lx.peek().is("locations")) {
                lx.next();
                ps.expect("[", "'[' after locations");
                while (!lx.peek().is("]")) {
                    key();
                    if (!lx.peek().is("]")) ps.expect(";", "';' or ']' in the locations clause");
                }
                lx.next();
            } else if (lx.peek().is("filter")) {
                lx.next();
                f = prop();
            } else {
                break;
            }
        }
        Token start = lx.peek();
        if (start.is("exists")) {
            lx.next();
            quantifier = Quantifier.EXISTS;
        } else if (start.is("~") && lx.peek(1).is("exists")) {
            lx.next();
            lx.next();
            quantifier = Quantifier.NOT_EXISTS;
        } else if (start.is("forall")) {
            lx.next();
            quantifier = Quantifier.FORALL;
        } else {
            throw ps.expected("the final condition (exists, ~exists or forall)");
        }
        Prop c = prop();
        text = lx.source(start.from(), lastTo()).replaceAll("\\s+", " ");
        if (lx.peek().is(";")) lx.next();
        if (lx.peek().kind() != T.EOF) throw ps.expected("the end of the file after the final condition");
        // the keys in herd7's order, and the atoms renumbered to it
        List<Key> sorted = new ArrayList<>(named.values());
        sorted.sort(Comparator.comparing((Key k) -> k.isReg() ? 0 : 1).thenComparingInt(Key::proc)
                .thenComparing(Key::text));
        List<String> order = new ArrayList<>(named.keySet());
        int[] map = new int[order.size()];
        for (int i = 0; i < map.length; i++) map[i] = sorted.indexOf(named.get(order.get(i)));
        keys = List.copyOf(sorted);
        filter = f == null ? null : renumber(f, map);
        condition = renumber(c, map);
    }

    private int lastTo() { return lastEnd; }

    private Token take() {
        Token t = lx.next();
        lastEnd = t.to();
        return t;
    }

    private static Prop renumber(Prop p, int[] map) {
        return switch (p) {
            case Ast.Atom a -> new Ast.Atom(map[a.key()], a.value(), a.equal());
            case Ast.Not n -> new Ast.Not(renumber(n.p(), map));
            case Ast.And a -> new Ast.And(renumber(a.l(), map), renumber(a.r(), map));
            case Ast.Or o -> new Ast.Or(renumber(o.l(), map), renumber(o.r(), map));
            case Ast.Implies i -> new Ast.Implies(renumber(i.l(), map), renumber(i.r(), map));
            case Ast.Const k -> k;
        };
    }

    // ---- propositions ----

    private Prop prop() {
        Prop l = or();
        if (lx.peek().is("=>")) {
            ps.enter(take());
            Prop p = new Ast.Implies(l, prop());
            ps.leave(1);
            return p;
        }
        return l;
    }

    private Prop or() {
        Prop l = and();
        int chain = 0;
        while (lx.peek().is("\\/")) {
            ps.enter(take());  // a chain nests to the left: each operator is a level
            chain++;
            l = new Ast.Or(l, and());
        }
        ps.leave(chain);
        return l;
    }

    private Prop and() {
        Prop l = not();
        int chain = 0;
        while (lx.peek().is("/\\")) {
            ps.enter(take());
            chain++;
            l = new Ast.And(l, not());
        }
        ps.leave(chain);
        return l;
    }

    private Prop not() {
        Token t = lx.peek();
        if (t.is("~")) {
            ps.enter(take());
            Prop p = new Ast.Not(not());
            ps.leave(1);
            return p;
        }
        if (t.is("(")) {
            ps.enter(take());
            Prop p = prop();
            if (!lx.peek().is(")")) throw ps.expected("')' or one of /\\ \\/ => in the condition");
            take();
            ps.leave(1);
            return p;
        }
        if (t.is("true") || t.is("false")) {
            take();
            return new Ast.Const(t.is("true"));
        }
        return atom();
    }

    private Prop atom() {
        int k = key();
        Token op = lx.peek();
        if (!op.is("=") && !op.is("==") && !op.is("!=")) throw ps.expected("'=' after " + keyText(k));
        take();
        return new Ast.Atom(k, value(), !op.is("!="));
    }

    private String keyText(int k) { return new ArrayList<>(named.keySet()).get(k); }

    /** {@code 0:r0} or {@code x}: its provisional id. */
    private int key() {
        Token t = lx.peek();
        Key key;
        if (t.kind() == T.NUM) {
            take();
            ps.expect(":", "':' after the process number in " + t.text() + ":r");
            Token r = lx.peek();
            if (r.kind() != T.IDENT) throw ps.expected("a register name after " + t.text() + ":");
            take();
            long p = lx.number(t);
            if (p >= procs.size()) throw ps.error(t.pos(), "there is no process P" + p + " (the test has P0..P"
                    + (procs.size() - 1) + ")");
            int reg = procs.get((int) p).reg(r.text());
            if (reg < 0) throw ps.error(r.pos(), "P" + p + " has no register " + r.text());
            key = new Key((int) p, reg, -1, p + ":" + r.text());
        } else if (t.kind() == T.IDENT) {
            take();
            int loc = ps.location(t.text());
            if (loc < 0) throw ps.error(t.pos(), "unknown location " + t.text() + " (expected a location of the test, or P:reg)");
            key = new Key(-1, -1, loc, t.text());
        } else {
            throw ps.expected("a register (0:r0) or a location (x) in the condition");
        }
        named.putIfAbsent(key.text(), key);
        return new ArrayList<>(named.keySet()).indexOf(key.text());
    }

    private long value() {
        Token t = lx.peek();
        Pos p = t.pos();
        if (t.is("-")) {
            take();
            if (lx.peek().kind() != T.NUM) throw ps.expected("a number after '-'");
            return -lx.number(take());
        }
        if (t.kind() == T.NUM) return lx.number(take());
        if (t.is("&")) take();
        if (lx.peek().kind() == T.IDENT) {
            Token n = take();
            int loc = ps.location(n.text());
            if (loc < 0) throw ps.error(n.pos(), "unknown location " + n.text() + " (a value is a number or a location's name)");
            return Ast.ADDR + loc;
        }
        throw ps.error(p, "expected a value (a number or a location), found " + t.show());
    }
}
