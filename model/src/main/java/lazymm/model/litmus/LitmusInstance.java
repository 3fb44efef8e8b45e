package lazymm.model.litmus;

import java.util.List;
import lazymm.model.litmus.Ast.Call;
import lazymm.model.litmus.Ast.Expr;
import lazymm.model.litmus.Ast.Stmt;
import lazymm.model.litmus.MemOps.Addr;
import lazymm.model.mem.IntVar;
import lazymm.model.mem.Loc;
import lazymm.model.mem.Memory;
import lazymm.model.mem.RefVar;
import lazymm.model.mem.SpinLock;
import lazymm.model.sim.Instance;
import lazymm.model.sim.Machine;

/**
 * One execution of a litmus test: an interpreter of its processes over one {@link Memory}.
 * Process Pk runs on CPU k; every primitive is one shared access (one yield point, in
 * {@link MemOps}); everything else (registers, expressions, if) is local and runs between them.
 *
 * <p>Under weak, a process whose body has more than one order LKMM allows ({@link Reorder}: a
 * marked relaxed store before an earlier independent load, which is load buffering) takes a first
 * step and lets the machine choose the order it runs in. RCU (rcu_read_lock, rcu_read_unlock,
 * synchronize_rcu) is run here, by {@code rcu()}.
 *
 * <p>Locations are created in the test's order; when the test has pointers, the address of
 * every location first gets its object id in that order too (a hidden pointer location
 * {@code &x} per location, never accessed), so that the ids a pointer location stores, and the
 * memory's state hash, do not depend on which process stored an address first.
 *
 * <p>State caching: a process's local state (registers, where it is) is a function of the
 * values its primitives returned so far, so {@link #stateHash} is the memory's hash with a hash
 * of each process's sequence of returned values ({@code trail}) and whether it finished.
 *
 * <p>All fields are final and all mutable state is in arrays, so that the interpreter's
 * bookkeeping adds no yield points (the agent yields before non-final field accesses).
 */
final class LitmusInstance implements Instance {

    private final LitmusTest test;
    private final Memory mem;
    private final MemOps ops;
    private final Loc[] locs;
    private final Addr[] addrs;
    private final long[][] regs;
    private final long[] trail;
    private final boolean[] done;
    private final FinalStates finals;
    private final Machine machine;
    /** Each process's program orders ({@link Reorder}): its own only, except under weak. */
    private final List<List<List<Stmt>>> orders;
    /** RCU: each CPU's read-side nesting, and how many outermost critical sections it ended. */
    private final int[] rcuNest;
    private final long[] rcuExits;
    /** RCU: the start of the grace period each CPU waits for (null: none), and whom it waits for. */
    private final Object[] gpStart;
    private final long[][] gpWait;

    @SuppressWarnings("unchecked")
    LitmusInstance(Machine machine, String mode, LitmusTest test, FinalStates finals) {
        this.test = test;
        this.finals = finals;
        this.machine = machine;
        this.mem = new Memory(machine, mode, false);
        this.ops = new MemOps(mem);
        List<Ast.Location> ls = test.locations();
        int n = ls.size();
        addrs = new Addr[n];
        for (int i = 0; i < n; i++) addrs[i] = new Addr(i);
        if (test.usesPointers()) {
            for (int i = 0; i < n; i++) mem.refVar("&" + ls.get(i).name(), addrs[i]);
        }
        locs = new Loc[n];
        for (int i = 0; i < n; i++) {
            Ast.Location l = ls.get(i);
            locs[i] = switch (l.kind()) {
                case INT -> mem.intVar(l.name(), l.init());
                case LOCK -> mem.spinLock(l.name());
                case PTR -> mem.refVar(l.name(), l.init() == 0 ? null : addrs[(int) (l.init() - Ast.ADDR)]);
            };
        }
        int np = test.processes().size();
        regs = new long[np][];
        trail = new long[np];
        done = new boolean[np];
        for (int p = 0; p < np; p++) {
            regs[p] = test.processes().get(p).regInit().clone();
            trail[p] = p + 1;
        }
        List<List<List<Stmt>>> os = new java.util.ArrayList<>();
        for (Ast.Process pr : test.processes()) {
            os.add(mode.equals("weak") ? Reorder.orders(pr.body()) : List.of(pr.body()));
        }
        orders = List.copyOf(os);
        rcuNest = new int[np];
        rcuExits = new long[np];
        gpStart = new Object[np];
        gpWait = new long[np][np];
    }

    @Override public int cpus() { return regs.length; }

    @Override public int extraActions(int[] out, int off) { return mem.extraActions(out, off); }

    @Override public void perform(int action) { mem.perform(action); }

    @Override public String label(int action) { return mem.label(action); }

    @Override
    public void cpu(int cpu) {
        List<List<Stmt>> os = orders.get(cpu);
        int k = 0;
        if (os.size() > 1) {
            mem.barrier();  // a step, after which the machine may choose
            k = machine.choose(os.size());
            trail[cpu] = trail[cpu] * 31 + k;
        }
        run(cpu, os.get(k));
        done[cpu] = true;
    }

    private void run(int p, List<Stmt> body) {
        for (Stmt s : body) {
            switch (s) {
                case Ast.Assign a -> regs[p][a.reg()] = eval(p, a.value());
                case Ast.Eval e -> eval(p, e.expr());
                case Ast.If i -> run(p, eval(p, i.cond()) != 0 ? i.then() : i.otherwise());
            }
        }
    }

    private long eval(int p, Expr e) {
        return switch (e) {
            case Ast.Num n -> n.value();
            case Ast.Reg r -> regs[p][r.index()];
            case Ast.Unary u -> {
                long v = eval(p, u.operand());
                yield switch (u.op()) {
                    case "!" -> v == 0 ? 1 : 0;
                    case "-" -> -v;
                    default -> ~v;
                };
            }
            case Ast.Binary b -> binary(p, b);
            case Call c -> call(p, c);
        };
    }

    private long binary(int p, Ast.Binary b) {
        long l = eval(p, b.left());
        if (b.op().equals("&&")) return l != 0 && eval(p, b.right()) != 0 ? 1 : 0;
        if (b.op().equals("||")) return l != 0 || eval(p, b.right()) != 0 ? 1 : 0;
        long r = eval(p, b.right());
        return switch (b.op()) {
            case "+" -> l + r;
            case "-" -> l - r;
            case "&" -> l & r;
            case "|" -> l | r;
            case "^" -> l ^ r;
            case "==" -> l == r ? 1 : 0;
            case "!=" -> l != r ? 1 : 0;
            case "<" -> l < r ? 1 : 0;
            case "<=" -> l <= r ? 1 : 0;
            case ">" -> l > r ? 1 : 0;
            default -> l >= r ? 1 : 0;
        };
    }

    /** One primitive: its location and operands are evaluated first, left to right. */
    @SuppressWarnings("unchecked")
    private long call(int p, Call c) {
        Prim prim = c.prim();
        long r;
        if (prim == Prim.RCU_READ_LOCK || prim == Prim.RCU_READ_UNLOCK || prim == Prim.SYNCHRONIZE_RCU) {
            r = rcu(p, c);
        } else if (c.loc() == null) {
            r = ops.fence(prim);
        } else {
            long where = eval(p, c.loc());
            long a = c.a() == null ? 0 : eval(p, c.a());
            long b = c.b() == null ? 0 : eval(p, c.b());
            if (!Ast.isAddr(where) || where - Ast.ADDR >= locs.length) {
                throw error(p, c, "the location is " + test.show(where) + ", not the address of a location");
            }
            Loc l = locs[(int) (where - Ast.ADDR)];
            Ast.Kind kind = test.locations().get((int) (where - Ast.ADDR)).kind();
            if (!prim.need.accepts(kind)) {
                throw error(p, c, l.name() + " is " + kind.described());
            }
            r = switch (kind) {
                case INT -> ops.onInt(prim, (IntVar) l, toInt(p, c, a, l), toInt(p, c, b, l));
                case PTR -> ops.onRef(prim, (RefVar<Addr>) l, toAddr(p, c, a, l), toAddr(p, c, b, l));
                case LOCK -> ops.lock(prim, (SpinLock) l);
            };
        }
        long t = (trail[p] + prim.ordinal() + 1) * 0x9E3779B97F4A7C15L + r;
        trail[p] = t ^ (t >>> 29);
        return r;
    }

    /**
     * RCU of a litmus test. rcu_read_lock: the outermost one sees what each grace period in
     * progress started with. synchronize_rcu: a full barrier starts the grace period; it then
     * waits until every critical section in progress at its start has ended (not those that
     * started later: they saw its start), and ends with {@link Memory#rcuGracePeriod}. Together:
     * a critical section that started before a grace period ends before it ends, and one that
     * ends after it started after it started, LKMM's RCU guarantee.
     */
    private long rcu(int p, Call c) {
        switch (c.prim()) {
            case RCU_READ_LOCK -> {
                mem.rcuReadLock(gpStart);
                rcuNest[p]++;
            }
            case RCU_READ_UNLOCK -> {
                mem.barrier();
                if (rcuNest[p] == 0) throw error(p, c, "rcu_read_unlock() without rcu_read_lock()");
                if (--rcuNest[p] == 0) rcuExits[p]++;
            }
            default -> {
                if (rcuNest[p] > 0) throw error(p, c, "synchronize_rcu() inside a read-side critical section");
                Object start = mem.rcuGracePeriodStart();
                gpStart[p] = start == null ? Boolean.TRUE : start;
                long[] wait = gpWait[p];
                for (int d = 0; d < wait.length; d++) wait[d] = d != p && rcuNest[d] > 0 ? rcuExits[d] : -1;
                machine.await(() -> readersDone(p), "an RCU grace period");
                mem.rcuGracePeriod();
                gpStart[p] = null;
            }
        }
        return 0;
    }

    /** True once every critical section that the grace period of {@code p} waits for has ended. */
    private boolean readersDone(int p) {
        long[] wait = gpWait[p];
        for (int d = 0; d < wait.length; d++) {
            if (wait[d] >= 0 && rcuExits[d] == wait[d]) return false;
        }
        return true;
    }

    private int toInt(int p, Call c, long v, Loc l) {
        if (v != (int) v) {
            throw error(p, c, "the value " + test.show(v) + " does not fit the int location " + l.name());
        }
        return (int) v;
    }

    private Addr toAddr(int p, Call c, long v, Loc l) {
        if (v == 0) return null;
        if (!Ast.isAddr(v) || v - Ast.ADDR >= addrs.length) {
            throw error(p, c, "the value " + v + " is not an address, but " + l.name() + " is a pointer location");
        }
        return addrs[(int) (v - Ast.ADDR)];
    }

    private LitmusError error(int p, Call c, String what) {
        return new LitmusError(test.file(), c.pos(), "P" + p + ": " + c.prim().cName() + ": " + what);
    }

    @Override
    public long stateHash() {
        long h = mem.stateHash();
        for (int p = 0; p < trail.length; p++) {
            h = (h * 1_000_003L + trail[p]) * 31 + (done[p] ? 1 : 2);
            if (gpStart[p] != null) {
                h = h * 31 + (gpStart[p] instanceof Boolean ? 7 : mem.rcuStartHash(gpStart[p]));
                h = h * 31 + java.util.Arrays.hashCode(gpWait[p]);
            }
            h = h * 31 + rcuExits[p];
        }
        return h == 0 ? 1 : h;
    }

    /** Records the final state (herd7's state line) in the {@link FinalStates}; never throws. */
    @Override
    @SuppressWarnings("unchecked")
    public void checkFinal() {
        List<Ast.Key> keys = test.keys();
        long[] v = new long[keys.size()];
        for (int k = 0; k < v.length; k++) {
            Ast.Key key = keys.get(k);
            if (key.isReg()) {
                v[k] = regs[key.proc()][key.reg()];
            } else if (locs[key.loc()] instanceof RefVar<?> rv) {
                Addr a = ((RefVar<Addr>) rv).peek();
                v[k] = a == null ? 0 : Ast.ADDR + a.index();
            } else {
                v[k] = mem.peek(locs[key.loc()]);
            }
        }
        finals.add(v);
    }
}
