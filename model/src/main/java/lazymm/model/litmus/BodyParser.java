package lazymm.model.litmus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lazymm.model.litmus.Ast.Assign;
import lazymm.model.litmus.Ast.Binary;
import lazymm.model.litmus.Ast.Call;
import lazymm.model.litmus.Ast.Eval;
import lazymm.model.litmus.Ast.Expr;
import lazymm.model.litmus.Ast.If;
import lazymm.model.litmus.Ast.Kind;
import lazymm.model.litmus.Ast.Num;
import lazymm.model.litmus.Ast.Pos;
import lazymm.model.litmus.Ast.Reg;
import lazymm.model.litmus.Ast.Stmt;
import lazymm.model.litmus.Ast.Unary;
import lazymm.model.litmus.Lexer.T;
import lazymm.model.litmus.Lexer.Token;

/**
 * Parses one process of an LKMM C litmus test: {@code P0(int *x, spinlock_t *l) { ... }}, the C
 * subset herd7 accepts in the kernel's tests. Statements: declarations of registers
 * ({@code int r0;}, {@code int *r1;}, {@code int a = READ_ONCE(*x);}), assignments to registers,
 * calls of the primitives of {@link Prim}, plain stores {@code *x = e;}, {@code if}/{@code else},
 * blocks. Expressions: integers, registers, parameters (the address of their location), plain
 * loads {@code *e}, calls, {@code ! - ~ + - & | ^ == != < <= > >= && ||} with C's precedence,
 * parentheses.
 *
 * Casts ({@code (void)atomic_add_unless(v, 1, 0);}, {@code (int)r}) are accepted and change
 * nothing: values are untyped.
 *
 * <p>Left out, each with an "unsupported" error: loops, goto, return, switch, unary {@code &},
 * and the kernel functions {@link Prim#unsupported} names.
 */
final class BodyParser {

    private static final Set<String> UNSUPPORTED_STATEMENTS = Set.of("while", "for", "do", "goto", "return",
            "switch", "break", "continue", "case");

    /** A process as it is being parsed: its parameters and registers. */
    static final class Proc {
        final int index;
        final Map<String, Integer> params = new HashMap<>();
        final List<String> regs = new ArrayList<>();
        final Map<String, Long> regInit = new HashMap<>();
        final List<Stmt> body = new ArrayList<>();

        Proc(int index) { this.index = index; }

        int reg(String name) { return regs.indexOf(name); }

        int addReg(String name) {
            regs.add(name);
            return regs.size() - 1;
        }

        void initRegister(String name, long v) {
            if (reg(name) < 0) addReg(name);
            regInit.put(name, v);
        }

        Ast.Process build() {
            long[] init = new long[regs.size()];
            for (int i = 0; i < init.length; i++) init[i] = regInit.getOrDefault(regs.get(i), 0L);
            return new Ast.Process(index, List.copyOf(regs), init, List.copyOf(body));
        }
    }

    private final LitmusParser ps;
    private final Lexer lx;
    private final Proc proc;

    BodyParser(LitmusParser ps, int index) {
        this.ps = ps;
        this.lx = ps.lx;
        this.proc = new Proc(index);
    }

    /** After the {@code Pk} token: the parameters and the body. */
    Proc process() {
        ps.expect("(", "'(' and the parameters of P" + proc.index);
        while (!lx.peek().is(")")) {
            LitmusParser.Type ty = ps.type();
            if (ty == null) throw ps.expected("a parameter such as 'int *x' in P" + proc.index + "(...)");
            if (ty.stars() == 0) throw ps.error(ty.pos(), "expected a pointer parameter ('" + ty.base() + " *x'), found '"
                    + ty.base() + "' without '*'");
            Token name = ps.ident("a parameter name");
            Kind k = ty.base().equals("spinlock_t") ? Kind.LOCK : ty.stars() >= 2 ? Kind.PTR : Kind.INT;
            if (k == Kind.LOCK && ty.stars() > 1) throw ps.error(ty.pos(), "unsupported: pointers to spinlock_t pointers");
            if (proc.params.containsKey(name.text())) throw ps.error(name.pos(), "parameter " + name.text() + " appears twice");
            proc.params.put(name.text(), ps.param(name, k));
            if (!lx.peek().is(")")) ps.expect(",", "',' or ')' in the parameters of P" + proc.index);
        }
        lx.next();
        ps.expect("{", "'{' and the body of P" + proc.index);
        block(proc.body);
        return proc;
    }

    /** Statements up to and including the closing '}'. */
    private void block(List<Stmt> out) {
        while (!lx.peek().is("}")) {
            if (lx.peek().kind() == T.EOF) throw ps.expected("'}' closing the body of P" + proc.index);
            statement(out);
        }
        lx.next();
    }

    private void statement(List<Stmt> out) {
        Token t = lx.peek();
        if (t.is(";")) {
            lx.next();
        } else if (t.is("{")) {
            ps.enter(t);
            lx.next();
            block(out);
            ps.leave(1);
        } else if (t.kind() == T.IDENT && UNSUPPORTED_STATEMENTS.contains(t.text())) {
            boolean loop = t.is("while") || t.is("for") || t.is("do");
            throw ps.error(t.pos(), "unsupported: " + (loop ? "loops ('" + t.text() + "')" : "'" + t.text() + "' statements"));
        } else if (castAhead()) {
            boolean toVoid = cast();
            Expr e = toVoid && lx.peek().kind() == T.IDENT && lx.peek(1).is("(") ? call(false) : expr();
            out.add(new Eval(e));
            ps.semicolon("the expression statement");
        } else if (t.is("if")) {
            ps.enter(t);
            lx.next();
            ps.expect("(", "'(' after if");
            Expr c = expr();
            ps.expect(")", "')' closing the condition of if");
            List<Stmt> then = new ArrayList<>();
            statement(then);
            List<Stmt> otherwise = new ArrayList<>();
            if (lx.peek().is("else")) {
                lx.next();
                statement(otherwise);
            }
            out.add(new If(c, List.copyOf(then), List.copyOf(otherwise)));
            ps.leave(1);
        } else if (t.kind() == T.IDENT && LitmusParser.TYPE_WORDS.contains(t.text())) {
            declaration(out);
        } else if (t.is("*")) {
            lx.next();
            Expr ptr = unary();
            ps.expect("=", "'=' in a plain store '*x = v;'");
            Expr v = expr();
            out.add(new Eval(access(Prim.PLAIN_WRITE, ptr, v, null, t.pos())));
            ps.semicolon("the store");
        } else if (t.kind() == T.IDENT && lx.peek(1).is("=")) {
            lx.next();
            lx.next();
            out.add(new Assign(assignable(t), expr()));
            ps.semicolon("the assignment to " + t.text());
        } else if (t.kind() == T.IDENT && lx.peek(1).is("(")) {
            out.add(new Eval(call(false)));
            ps.semicolon("the call of " + t.text() + "()");
        } else {
            throw ps.expected("a statement");
        }
    }

    private void declaration(List<Stmt> out) {
        LitmusParser.Type ty = ps.type();
        while (true) {
            while (lx.peek().is("*")) lx.next();
            Token name = ps.ident("a register name in the declaration");
            if (proc.params.containsKey(name.text())) {
                throw ps.error(name.pos(), name.text() + " is a parameter of P" + proc.index + "; a register needs another name");
            }
            if (proc.reg(name.text()) >= 0) throw ps.error(name.pos(), "register " + name.text() + " is declared twice");
            int r = proc.addReg(name.text());
            if (lx.peek().is("=")) {
                lx.next();
                out.add(new Assign(r, expr()));
            }
            if (!lx.peek().is(",")) break;
            lx.next();
        }
        ps.semicolon("the declaration of " + (ty == null ? "registers" : ty.base() + " registers"));
    }

    /** A register on the left of '=' (declared implicitly if new, as herd7 allows). */
    private int assignable(Token name) {
        if (proc.params.containsKey(name.text())) {
            throw ps.error(name.pos(), "cannot assign to parameter " + name.text() + "; write WRITE_ONCE(*"
                    + name.text() + ", v) or *" + name.text() + " = v");
        }
        int r = proc.reg(name.text());
        return r >= 0 ? r : proc.addReg(name.text());
    }

    // ---- expressions, by C precedence ----

    private static final List<List<String>> LEVELS = List.of(List.of("||"), List.of("&&"), List.of("|"),
            List.of("^"), List.of("&"), List.of("==", "!="), List.of("<", "<=", ">", ">="), List.of("+", "-"));

    Expr expr() { return binary(0); }

    private Expr binary(int level) {
        if (level == LEVELS.size()) return unary();
        Expr left = binary(level + 1);
        int chain = 0;
        while (lx.peek().kind() == T.PUNCT && LEVELS.get(level).contains(lx.peek().text())) {
            Token op = lx.next();
            ps.enter(op);  // a chain a+b+c nests to the left: each operator is a level
            chain++;
            left = new Binary(op.text(), left, binary(level + 1), op.pos());
        }
        ps.leave(chain);
        return left;
    }

    private Expr unary() {
        Token t = lx.peek();
        if (t.is("!") || t.is("-") || t.is("~")) {
            ps.enter(t);
            lx.next();
            Expr e = new Unary(t.text(), unary(), t.pos());
            ps.leave(1);
            return e;
        }
        if (t.is("*")) {
            ps.enter(t);
            lx.next();
            Expr e = access(Prim.PLAIN_READ, unary(), null, null, t.pos());
            ps.leave(1);
            return e;
        }
        if (t.is("&")) {
            throw ps.error(t.pos(), "unsupported: '&' in a process body (a parameter x is already the address of location x)");
        }
        if (t.kind() == T.NUM) return new Num(lx.number(lx.next()), t.pos());
        if (castAhead()) {
            ps.enter(t);
            if (cast()) throw ps.error(t.pos(), "a cast to void has no value");
            Expr e = unary();
            ps.leave(1);
            return e;
        }
        if (t.is("(")) {
            ps.enter(t);
            lx.next();
            Expr e = expr();
            ps.expect(")", "')'");
            ps.leave(1);
            return e;
        }
        if (t.kind() == T.IDENT && lx.peek(1).is("(")) return call(true);
        if (t.kind() == T.IDENT) {
            lx.next();
            return name(t);
        }
        throw ps.expected("an expression");
    }

    /** True if a cast {@code (type)} comes next. */
    private boolean castAhead() {
        Token w = lx.peek(1);
        return lx.peek().is("(") && w.kind() == T.IDENT && (w.is("void") || LitmusParser.TYPE_WORDS.contains(w.text()));
    }

    /**
     * A cast {@code (int)}, {@code (int *)}, {@code (void)}: values are untyped longs here (an int
     * or an address), so a cast changes nothing; returns true for a cast to void.
     */
    private boolean cast() {
        lx.next();  // '('
        boolean toVoid = lx.peek().is("void");
        if (toVoid) {
            lx.next();
        } else {
            ps.type();
        }
        if (toVoid) {
            while (lx.peek().is("*")) {
                lx.next();
                toVoid = false;
            }
        }
        ps.expect(")", "')' closing the cast");
        return toVoid;
    }

    /** A register's value, or the address of a parameter's location. */
    private Expr name(Token t) {
        int r = proc.reg(t.text());
        if (r >= 0) return new Reg(r, t.pos());
        Integer loc = proc.params.get(t.text());
        if (loc != null) return new Num(Ast.ADDR + loc, t.pos());
        throw ps.error(t.pos(), "unknown identifier '" + t.text() + "' (neither a register of P" + proc.index
                + " nor one of its parameters)");
    }

    // ---- calls ----

    private Call call(boolean needValue) {
        Token f = lx.next();
        Prim p = Prim.byName(f.text());
        if (p == null) {
            String why = Prim.unsupported(f.text());
            throw ps.error(f.pos(), why != null ? why : "unknown function '" + f.text()
                    + "' (not one of the kernel primitives the litmus runner supports)");
        }
        if (needValue && !p.returnsValue) throw ps.error(f.pos(), f.text() + "() returns no value");
        lx.next();  // '('
        Expr loc = null;
        Expr[] vals = new Expr[2];
        int nv = 0;
        String shape = p.shape;
        for (int i = 0; i < shape.length(); i++) {
            if (lx.peek().is(")")) throw ps.error(lx.peek().pos(), "too few arguments: expected " + usage(p));
            char c = shape.charAt(i);
            if (c == 'D') {
                loc = lvalue(p, i);
            } else if (c == 'L') {
                loc = expr();
            } else {
                vals[nv++] = expr();
            }
            if (i + 1 < shape.length()) {
                if (lx.peek().is(")")) throw ps.error(lx.peek().pos(), "too few arguments: expected " + usage(p));
                ps.expect(",", "',' between the arguments of " + usage(p));
            }
        }
        if (!lx.peek().is(")")) {
            if (lx.peek().is(",")) throw ps.error(lx.peek().pos(), "too many arguments: expected " + usage(p));
            throw ps.expected("')' closing " + usage(p));
        }
        lx.next();
        return access(p, loc, vals[0], vals[1], f.pos());
    }

    /** A location written as in C: {@code *e}, or the bare name of a parameter. */
    private Expr lvalue(Prim p, int arg) {
        Token t = lx.peek();
        if (t.is("*")) {
            lx.next();
            return unary();
        }
        if (t.kind() == T.IDENT && proc.params.containsKey(t.text()) && (lx.peek(1).is(",") || lx.peek(1).is(")"))) {
            lx.next();
            return name(t);
        }
        throw ps.error(t.pos(), "expected a location such as *x as argument " + (arg + 1) + " of " + usage(p)
                + ", found " + t.show());
    }

    /** Checks a statically known location against what the primitive needs. */
    private Call access(Prim p, Expr loc, Expr a, Expr b, Pos pos) {
        if (loc instanceof Num n) {
            if (!Ast.isAddr(n.value())) {
                throw ps.error(n.pos(), p.cName() + " needs a location, found the number " + n.value());
            }
            int i = (int) (n.value() - Ast.ADDR);
            Kind k = ps.kind(i);
            if (!p.need.accepts(k)) {
                String need = switch (p.need) {
                    case INT -> "an int or atomic_t";
                    case LOCK -> "a spinlock_t";
                    default -> "an int or pointer";
                };
                throw ps.error(n.pos(), p.cName() + " needs " + need + " location, but " + ps.locName(i) + " is "
                        + k.described());
            }
        }
        return new Call(p, loc, a, b, pos);
    }

    /** How a primitive is called, e.g. {@code xchg(x, v)}. */
    static String usage(Prim p) {
        StringBuilder sb = new StringBuilder(p.cName()).append('(');
        int nv = 0;
        for (int i = 0; i < p.shape.length(); i++) {
            if (i > 0) sb.append(", ");
            char c = p.shape.charAt(i);
            if (c == 'D' || c == 'L') {
                sb.append(c == 'D' ? "*x" : "x");
            } else if (p.shape.endsWith("VV")) {
                boolean cas = p.cName().contains("cmpxchg");
                sb.append(nv++ == 0 ? (cas ? "old" : "a") : (cas ? "new" : "u"));
            } else {
                sb.append(p.shape.startsWith("V") ? "i" : "v");
            }
        }
        return sb.append(')').toString();
    }
}
