package lazymm.model.kernel;

import lazymm.model.mem.RefVar;
import lazymm.model.sim.Violation;

/**
 * kernel/hp.c and include/linux/hp.h of Mathieu Desnoyers' RFC "hp: Implement Hazard Pointers"
 * (v2 3/4, Oct 2024), and what v3 3/4 "hazptr: Implement Hazard Pointers" changed in them
 * (kernel/hazptr.c, include/linux/hazptr.h): a hazard-pointer domain of one slot per possible
 * CPU, protected from preempt-off context on this CPU, scanned by the reclaimer. The only domain
 * is the one the RFC's 4/4 defines in kernel/fork.c for lazy mms: {@code
 * DEFINE_PER_CPU(struct hp_slot, hp_domain_sched_lazy_mm)} (v3: {@code
 * DEFINE_HAZPTR_DOMAIN(hazptr_domain_sched_lazy_mm)}).
 *
 * <p>Made only in a kernel with the RFC ({@link Patch#HPREF_LAZY_MM}); its slots are per-CPU
 * variables, each a {@link RefVar} here (the model's per-CPU API was not merged when this was
 * written), and {@code this_cpu_ptr()} makes the check CONFIG_DEBUG_PREEMPT makes
 * ({@link #thisCpuPtr}); {@code this_cpu_write()} (v3) makes none.
 *
 * <p>Boot: sched_init()'s {@code mmgrab_lazy_tlb(&init_mm)} puts init_mm in CPU 0's slot, and
 * powerpc's start_secondary() does the same on every other CPU (x86 and arm64 secondaries
 * mmgrab() init_mm: their slots start empty).
 *
 * <p>Left out: hp_dereference_allocate() / hazptr_load_try_protect() (4/4 does not use them: the
 * caller of mmgrab_lazy_tlb() holds a reference, so there is no Load A to re-check), v3's
 * hazptr_retire() (unused by 4/4), ptr_eq() (1/4: address dependencies are not modelled, the
 * simulated memory never speculates a dependent load).
 */
@KernelFile("kernel/hazptr.c")
final class Hazptr {

    private final Kernel k;
    /** per_cpu(hp_domain_sched_lazy_mm, cpu).addr. */
    private final RefVar<MmStruct>[] slots;

    @SuppressWarnings("unchecked")
    Hazptr(Kernel k, int cpus, boolean powerpc) {
        this.k = k;
        this.slots = new RefVar[cpus];
        for (int c = 0; c < cpus; c++) {
            MmStruct boot = c == 0 || powerpc ? k.initMm : null;  // sched_init(); powerpc start_secondary()
            slots[c] = k.mem.refVar(this, "hp_domain_sched_lazy_mm/" + c, boot);
        }
    }

    /** The slot of {@code cpu} (per_cpu_ptr). */
    RefVar<MmStruct> slot(int cpu) { return slots[cpu]; }

    /**
     * this_cpu_ptr(&hp_domain_sched_lazy_mm) with CONFIG_DEBUG_PREEMPT: smp_processor_id()'s
     * check_preemption_disabled() (lib/smp_processor_id.c, {@link Kernel#preemptible}) passes with
     * preemption or interrupts off, and for a thread bound to its CPU; otherwise
     * "BUG: using smp_processor_id() in preemptible [00000000] code", the report the 0-day robot
     * sent for v2 4/4 (exec_mmap -> mmdrop_lazy_tlb).
     */
    RefVar<MmStruct> thisCpuPtr(String caller) {
        Rq rq = k.thisRq();
        TaskStruct cur = rq.current;
        if (k.preemptible(rq.cpu)) {
            throw new Violation("PreemptibleCpuAccess", caller,
                    "BUG: using smp_processor_id() in preemptible [00000000] code: " + cur.name + " on cpu" + rq.cpu
                            + ", caller is " + caller + " (this_cpu_ptr(&hp_domain_sched_lazy_mm))");
        }
        return slots[rq.cpu];
    }

    /**
     * this_cpu_write(hazptr_domain_sched_lazy_mm.percpu_slots->addr, NULL) (v3): preempt-safe,
     * no check; the slot of the CPU the task runs on at the write.
     */
    RefVar<MmStruct> thisCpuWriteSlot() { return slots[k.smpProcessorId()]; }

    /**
     * hp_allocate(&hp_domain_sched_lazy_mm, addr) (v2) / hazptr_try_protect(dom, addr, NULL)
     * (v3): post addr in this CPU's slot if the slot is free. "The object existence should be
     * guaranteed by the caller. Expects to be called from preempt disable context."
     */
    boolean tryProtect(MmStruct addr, String caller) {
        if (addr == null) return false;
        RefVar<MmStruct> slot = thisCpuPtr(caller);
        /*
         * A single hazard pointer slot per CPU is available currently.
         * Other hazard pointer domains can eventually have a different
         * configuration.
         */
        if (k.mem.readOnce(slot) != null) return false;
        // Store B. pairs with: hp_scan's smp_mb() between Store A (the final mm_count decrement)
        // and Load B, through the caller's reference: its release (finish_task's on_cpu release,
        // the fully ordered mmput / mmdrop) comes after this store
        k.mem.writeOnce(slot, addr);
        return true;
    }

    /** What hp_scan's callback is: 4/4's retire_lazy_mm_hp (v3: remove_lazy_mm_hp). */
    interface OnMatch {
        void call(int cpu, MmStruct addr);
    }

    /**
     * hp_scan(percpu_slots, addr, retire_cb) (v2): for each possible CPU, call the callback if
     * its slot holds addr, then busy-wait until it does not. v3 hazptr_scan(): asserts a
     * preemptible context; with a callback, only calls it (no wait); without one, waits
     * (smp_cond_load_acquire).
     */
    void scan(MmStruct addr, OnMatch onMatch, boolean v3) {
        if (v3) {
            /* Should only be called from preemptible context. */
            Rq rq = k.thisRq();
            k.warnOn(rq.current.preemptCount != 0 || rq.irqsDisabled || rq.inSwitch, "hazptr_scan",
                    "lockdep_assert_preemption_enabled(): called with preemption or interrupts off");
        }
        /*
         * Store A precedes hp_scan(): it unpublishes addr (sets it to
         * NULL or to a different value), and thus hides it from hazard
         * pointer readers.
         */
        if (addr == null) return;
        /* Memory ordering: Store A before Load B. */
        k.mem.smpMb();  // pairs with: the caller's ordering of Store B before its reference's release (see tryProtect)
        /* Scan all CPUs slots. */
        for (int cpu = 0; cpu < slots.length; cpu++) {  // for_each_possible_cpu(cpu)
            RefVar<MmStruct> slot = slots[cpu];
            if (v3 && onMatch != null) {
                if (k.mem.smpLoadAcquire(slot) == addr) onMatch.call(cpu, addr);  // Load B; pairs with: the slot clears' smp_mb() before them
                continue;
            }
            if (onMatch != null && k.mem.smpLoadAcquire(slot) == addr) onMatch.call(cpu, addr);  // Load B; pairs with: as above
            /* Busy-wait if node is found. */
            final int c = cpu;
            while (k.mem.smpLoadAcquire(slot) == addr) {  // Load B; pairs with: hp_retire's smp_store_release / the clears' smp_mb()
                k.m.await(() -> k.mem.peekLatest(slot) != addr, "hp_scan: cpu" + c + "'s hazard pointer to stop holding " + addr);  // cpu_relax()
            }
        }
    }
}
