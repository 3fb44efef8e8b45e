package lazymm.model.litmus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lazymm.model.litmus.Ast.Kind;
import lazymm.model.litmus.Ast.Location;
import lazymm.model.litmus.Ast.Pos;
import lazymm.model.litmus.Lexer.T;
import lazymm.model.litmus.Lexer.Token;

/**
 * Parses an LKMM C litmus test (the format of the kernel's tools/memory-model/litmus-tests, as
 * herd7 reads it): the {@code C name} header, {@code (* ... *)} comments (the first
 * {@code Result:} in one is kept), the init block, processes {@code P0..Pn} (their bodies by
 * {@link BodyParser}) and the final clause ({@link FinalParser}).
 *
 * <p>Init block items: {@code x=1;}, {@code int x=1;}, {@code int x;}, {@code atomic_t a =
 * ATOMIC_INIT(1);}, {@code spinlock_t l;}, pointers {@code p=x;}, {@code p=&x;}, {@code int *p=&x;},
 * and registers {@code 0:r1=1;}. A location's kind (int, pointer, spinlock_t) comes from its
 * declaration in the init block, or its initial value (an address makes it a pointer), or the
 * first parameter that names it ({@code int *x}, {@code int **p}, {@code spinlock_t *l}).
 *
 * <p>Left out: other architectures' litmus tests (X86, AArch64 ...), structs, arrays, unions,
 * and herd7's {@code typedef}s and macros. Every error is a {@link LitmusError} with
 * file:line:column.
 */
public final class LitmusParser {

    static final Set<String> TYPE_WORDS = Set.of("int", "long", "short", "char", "unsigned", "signed",
            "atomic_t", "spinlock_t", "intptr_t", "uintptr_t", "u8", "u16", "u32", "u64", "s8", "s16",
            "s32", "s64", "bool", "_Bool", "const", "volatile");

    private static final Pattern RESULT = Pattern.compile("Result:\\s*(\\w+)");

    final Lexer lx;
    private final String file;
    private final List<String> names = new ArrayList<>();
    private final List<Kind> kinds = new ArrayList<>();
    private final List<Long> inits = new ArrayList<>();
    /** False while the kind is only a default ({@code x=1;}): the first parameter may refine it. */
    private final List<Boolean> firm = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    /** The locations the init block has declared or initialised (not those only pointed to). */
    private final Set<String> declared = new java.util.HashSet<>();

    private LitmusParser(String file, String text) {
        this.file = file;
        this.lx = new Lexer(file, text);
    }

    /** Parses {@code text}, read from {@code file} (used in messages only). */
    public static LitmusTest parse(String file, String text) {
        return new LitmusParser(file, text).test();
    }

    LitmusError error(Pos p, String what) { return new LitmusError(file, p, what); }

    /**
     * How deep the parser goes: parentheses, blocks, if, unary operators and each binary operator
     * of a chain count one. Past it a test is an error rather than a stack overflow (the kernel's
     * litmus tests nest a handful).
     */
    public static final int MAX_NESTING = 200;
    private int nesting;

    /** One level deeper, at {@code t}; {@link #leave} undoes it. */
    void enter(Token t) {
        if (++nesting > MAX_NESTING) {
            throw error(t.pos(), "nested deeper than " + MAX_NESTING + " levels (parentheses, blocks, if, unary and binary "
                    + "operators): split the expression or the test");
        }
    }

    void leave(int levels) { nesting -= levels; }

    /** An error at the next token: "expected X, found Y". */
    LitmusError expected(String what) {
        Token t = lx.peek();
        return error(t.pos(), "expected " + what + ", found " + t.show());
    }

    Token expect(String punct, String what) {
        if (!lx.peek().is(punct)) throw expected(what);
        return lx.next();
    }

    /** A ';' that ends something: a missing one is reported where it belongs, after the last token. */
    void semicolon(String after) {
        if (lx.peek().is(";")) {
            lx.next();
            return;
        }
        throw error(lx.lastEnd(), "expected ';' after " + after + ", found " + lx.peek().show());
    }

    Token ident(String what) {
        if (lx.peek().kind() != T.IDENT) throw expected(what);
        return lx.next();
    }

    // ---- locations ----

    int location(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    Kind kind(int loc) { return kinds.get(loc); }

    String locName(int loc) { return names.get(loc); }

    private int define(String name, Kind kind, long init, boolean isFirm) {
        int i = names.size();
        names.add(name);
        kinds.add(kind);
        inits.add(init);
        firm.add(isFirm);
        index.put(name, i);
        return i;
    }

    /** The location a parameter names, created or checked against what is known. */
    int param(Token name, Kind kind) {
        int i = location(name.text());
        if (i < 0) return define(name.text(), kind, 0, true);
        if (kinds.get(i) != kind) {
            if (firm.get(i)) {
                throw error(name.pos(), "parameter " + name.text() + " is declared as " + kind.described()
                        + ", but it is " + kinds.get(i).described() + " elsewhere");
            }
            if (kind == Kind.LOCK && inits.get(i) != 0) {
                throw error(name.pos(), "spinlock_t " + name.text() + " has an initial value");
            }
            kinds.set(i, kind);
        }
        firm.set(i, true);
        return i;
    }

    // ---- the test ----

    private LitmusTest test() {
        Pos p = lx.position();
        String arch = lx.rawWord();
        if (!arch.equals("C")) {
            throw error(p, arch.isEmpty() ? "expected 'C' and the test name, found end of file"
                    : "expected 'C' and the test name, found '" + arch + "' (only C litmus tests are supported)");
        }
        Pos np = lx.position();
        String name = lx.rawWord();
        if (name.isEmpty()) throw error(np, "expected the test name after 'C', found end of file");
        if (lx.peek().kind() == T.STRING) lx.next();  // herd7's optional doc string
        List<long[]> regInit = new ArrayList<>();
        List<Token[]> regInitNames = new ArrayList<>();
        initBlock(regInit, regInitNames);
        List<BodyParser.Proc> procs = new ArrayList<>();
        while (lx.peek().kind() == T.IDENT && lx.peek().text().matches("P\\d+") && lx.peek(1).is("(")) {
            Token t = lx.next();
            if (!t.text().equals("P" + procs.size())) {
                throw error(t.pos(), "expected P" + procs.size() + " (processes are numbered from 0 in order), found '"
                        + t.text() + "'");
            }
            procs.add(new BodyParser(this, procs.size()).process());
        }
        if (procs.isEmpty()) throw expected("a process P0(...) { ... }");
        for (int k = 0; k < regInit.size(); k++) {
            Token[] ts = regInitNames.get(k);
            int proc = (int) regInit.get(k)[0];
            if (proc >= procs.size()) throw error(ts[0].pos(), "there is no process P" + proc);
            procs.get(proc).initRegister(ts[1].text(), regInit.get(k)[1]);
        }
        FinalParser fin = new FinalParser(this, procs);
        fin.parse();
        List<Location> locs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) locs.add(new Location(names.get(i), kinds.get(i), inits.get(i)));
        List<Ast.Process> ps = new ArrayList<>();
        for (BodyParser.Proc bp : procs) ps.add(bp.build());
        return new LitmusTest(file, name, result(), List.copyOf(locs), List.copyOf(ps), fin.keys(), fin.filter(),
                fin.quantifier(), fin.condition(), fin.text());
    }

    private String result() {
        for (String c : lx.comments()) {
            Matcher m = RESULT.matcher(c);
            if (m.find()) return m.group(1);
        }
        return null;
    }

    // ---- the init block ----

    /** A type: its words and the number of stars, or null when the next token is no type word. */
    record Type(String base, int stars, Pos pos) {}

    Type type() {
        Token t = lx.peek();
        if (t.is("struct") || t.is("union")) throw error(t.pos(), "unsupported: " + t.text() + " types");
        if (t.kind() != T.IDENT || !TYPE_WORDS.contains(t.text())) return null;
        StringBuilder base = new StringBuilder();
        while (lx.peek().kind() == T.IDENT && TYPE_WORDS.contains(lx.peek().text())) {
            String w = lx.next().text();
            if (w.equals("const") || w.equals("volatile")) continue;
            if (base.length() > 0) base.append(' ');
            base.append(w);
        }
        int stars = 0;
        while (lx.peek().is("*")) {
            lx.next();
            stars++;
        }
        return new Type(base.toString(), stars, t.pos());
    }

    private void initBlock(List<long[]> regInit, List<Token[]> regInitNames) {
        expect("{", "'{' (the init block, '{}' when empty)");
        while (!lx.peek().is("}")) {
            if (lx.peek().kind() == T.EOF) throw expected("'}' closing the init block");
            if (lx.peek().kind() == T.NUM) {
                Token proc = lx.next();
                expect(":", "':' in a register initialisation such as 0:r1=1");
                Token reg = ident("a register name after " + proc.text() + ":");
                expect("=", "'=' and the initial value of " + proc.text() + ":" + reg.text());
                regInit.add(new long[] {lx.number(proc), initValue(null).value});
                regInitNames.add(new Token[] {proc, reg});
            } else {
                initLocation();
            }
            if (!lx.peek().is("}")) semicolon("the initialisation");
        }
        lx.next();
    }

    private record Init(long value, boolean isAddr) {}

    private void initLocation() {
        Type ty = type();
        if (ty != null && ty.base().equals("spinlock_t") && ty.stars() > 0) {
            throw error(ty.pos(), "unsupported: pointers to spinlock_t in the init block");
        }
        Token name = ident(ty == null ? "a location or register to initialise (x=1; int x; 0:r1=1;)"
                : "a location name after the type");
        Kind kind = ty == null ? Kind.INT : ty.base().equals("spinlock_t") ? Kind.LOCK
                : ty.stars() > 0 ? Kind.PTR : Kind.INT;
        int i = location(name.text());
        if (i >= 0 && declared.contains(name.text())) {
            throw error(name.pos(), "location " + name.text() + " is initialised twice");
        }
        if (i >= 0) {
            // named before only as the target of a pointer ({ int *p=y; int y=0; }): its declaration now
            if (kind == Kind.LOCK) throw error(name.pos(), "spinlock_t " + name.text() + " cannot be pointed to");
            kinds.set(i, kind);
            firm.set(i, ty != null);
        } else {
            i = define(name.text(), kind, 0, ty != null);
        }
        declared.add(name.text());
        if (lx.peek().is("=")) {
            lx.next();
            if (kind == Kind.LOCK) throw error(lx.peek().pos(), "spinlock_t " + name.text() + " takes no initial value");
            Init v = initValue(name.text());
            if (v.isAddr && kind == Kind.INT && ty != null) {
                throw error(name.pos(), name.text() + " is declared " + ty.base() + " but initialised with an address");
            }
            if (v.isAddr) {
                kinds.set(i, Kind.PTR);
                firm.set(i, true);
            }
            inits.set(i, v.value);
        }
    }

    /** A number, {@code -n}, {@code ATOMIC_INIT(n)}, {@code NULL}, or an address {@code x} / {@code &x}. */
    private Init initValue(String of) {
        Token t = lx.peek();
        if (t.is("-")) {
            lx.next();
            if (lx.peek().kind() != T.NUM) throw expected("a number after '-'");
            return new Init(-lx.number(lx.next()), false);
        }
        if (t.kind() == T.NUM) return new Init(lx.number(lx.next()), false);
        if (t.is("ATOMIC_INIT")) {
            lx.next();
            expect("(", "'(' after ATOMIC_INIT");
            Init v = initValue(of);
            if (v.isAddr) throw error(t.pos(), "ATOMIC_INIT takes a number");
            expect(")", "')' closing ATOMIC_INIT(");
            return v;
        }
        if (t.is("NULL")) {
            lx.next();
            return new Init(0, true);
        }
        if (t.is("&")) lx.next();
        Token target = ident("an initial value (a number, ATOMIC_INIT(n), or a location whose address it holds)");
        if (target.text().equals(of)) throw error(target.pos(), of + " cannot point to itself");
        int j = location(target.text());
        if (j < 0) j = define(target.text(), Kind.INT, 0, false);
        return new Init(Ast.ADDR + j, true);
    }
}
