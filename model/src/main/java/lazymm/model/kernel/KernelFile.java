package lazymm.model.kernel;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The kernel file a model class follows, machine-readable: where the code that makes the class's
 * shared accesses lives in the kernel, so that the race detector can say whether KCSAN would see
 * each access ({@link Kcsan}). Every class of the kernel model with a shared access has one (a
 * test checks it).
 *
 * <p>A header ({@code .h}) is compiled into whichever file calls its inline functions: an access
 * by a header class takes the file of the nearest caller on the stack that is not a header.
 * {@link #HARDWARE} is the MMU's own page walks and TLB, {@link #USER} user-space code: neither
 * is compiled kernel code.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface KernelFile {

    /** The MMU, not code. */
    String HARDWARE = "(hardware)";
    /** User space, not the kernel. */
    String USER = "(user space)";

    /** The kernel file, e.g. {@code kernel/fork.c}, {@code include/linux/sched/mm.h}. */
    String value();

    /**
     * The compilation unit that includes the file, when it is not compiled on its own:
     * kernel/sched/membarrier.c is compiled inside kernel/sched/build_utility.c.
     */
    String unit() default "";
}
