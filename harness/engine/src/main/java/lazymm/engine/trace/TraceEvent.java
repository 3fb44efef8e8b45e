package lazymm.engine.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * One event of a traced execution (replay only), in the kernel's terms: the CPU, the task it
 * was running, the kernel function and source line, and for a shared access its marked-access
 * primitive, location and value.
 */
public final class TraceEvent {

    /** What happened. */
    public enum Kind {
        /** A shared access (a marked access, a plain access, a barrier, a lock operation). */
        ACCESS,
        /** A context switch on the CPU: {@code detail} is "prev -> next". */
        SWITCH,
        /** The CPU takes its pending interrupts: {@code detail} says which ("IPI", "tick (RCU callbacks)"). */
        IRQ,
        /** An interrupt became pending and deliverable on {@code cpu} (an IPI queued for it, or the tick; interrupts on). */
        IPI,
        /** A store-buffer drain of {@code cpu}'s oldest store. */
        DRAIN,
        /** Another instance action. */
        ACTION,
        /** The task running on {@code cpu} is preempted. */
        PREEMPT,
        /** A choice inside an access ({@code r1}: an older store, the second ready task...). */
        CHOICE,
        /** A kernel event that is no shared access, as the model reports it in {@code detail} (call_rcu, an RCU callback running). */
        NOTE,
        /** A finding that does not end the execution (a WARN, a freed object still named): {@code detail} is its report. */
        FINDING
    }

    public final long step;
    public final int cpu;
    public final Kind kind;
    /** The task the CPU runs (kernel thread or task name), or "". */
    public final String task;
    /** For ACCESS: "Class.method:line primitive"; for others, what the engine printed. */
    public final String site;
    /** SWITCH: "prev -> next"; DRAIN: the label; CHOICE: "rK of N"; IRQ, IPI: which interrupt; NOTE: the event. */
    public final String detail;
    /** What the memory reported: location and value, one per primitive inside the access. */
    public final List<String[]> values = new ArrayList<>(1);

    public TraceEvent(long step, int cpu, Kind kind, String task, String site, String detail) {
        this.step = step;
        this.cpu = cpu;
        this.kind = kind;
        this.task = task;
        this.site = site;
        this.detail = detail;
    }
}
