package lazymm.model.sim;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of a model class as bookkeeping that the kernel does not have (who freed an
 * object, which task a CPU switched from, an oracle's counters): the agent puts no yield point
 * before its accesses, so it never adds interleavings that the kernel code does not have. A
 * ghost field must never be read by one CPU to decide what another CPU's kernel code does.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Ghost {}
